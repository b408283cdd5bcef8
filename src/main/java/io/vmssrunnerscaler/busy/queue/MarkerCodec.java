package io.vmssrunnerscaler.busy.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.busy.Marker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The message body of a marker: a small versioned JSON object. Written through Jackson's tree
 * model, so no reflection needs registering for a native image. A marker without {@code kind} is
 * a busy runner (the first format), so markers written before waiting jobs were kept still load.
 * <pre>{"v":1,"pool":"linux","runner":"vm00002s","instanceId":"7","jobId":42,"since":"2025-01-01T10:00:00Z"}
 * {"v":1,"kind":"queued","pool":"linux","jobId":43,"repository":"octo-org/app","since":"2025-01-01T10:00:01Z"}
 * {"v":1,"kind":"lost","pool":"linux","jobId":44,"repository":"octo-org/app","runner":"vm00003s","reason":"evicted","since":"2025-01-01T10:09:00Z"}</pre>
 * A busy runner's {@code repository} is optional (markers written before it still load).
 */
final class MarkerCodec {
    static final int VERSION = 1;
    private static final String QUEUED = "queued";
    private static final String LOST = "lost";

    String encode(Marker marker) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("v", VERSION);
        if (marker instanceof BusyMarker b) {
            node.put("pool", b.pool()).put("runner", b.runnerName()).put("instanceId", b.instanceId())
                    .put("jobId", b.jobId()).put("repository", b.repository());
        } else if (marker instanceof QueuedMarker q) {
            node.put("kind", QUEUED).put("pool", q.pool()).put("jobId", q.jobId()).put("repository", q.repository());
        } else if (marker instanceof LostMarker l) {
            node.put("kind", LOST).put("pool", l.pool()).put("jobId", l.jobId()).put("repository", l.repository())
                    .put("runner", l.runnerName()).put("reason", l.reason());
        }
        Instant since = since(marker);
        return node.put("since", since == null ? null : since.toString()).toString();
    }

    /** The marker, or empty for a message this store did not write (or a later version it cannot read). */
    Optional<Marker> decode(String text) {
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null || !node.isObject() || node.path("v").asInt() != VERSION || !node.path("pool").isTextual()) {
                return Optional.empty();
            }
            JsonNode sinceNode = node.path("since");
            Instant since = sinceNode.isTextual() ? Instant.parse(sinceNode.asText()) : null;
            String pool = node.get("pool").asText();
            if (QUEUED.equals(node.path("kind").asText(null))) {
                return node.path("jobId").canConvertToLong() && node.path("jobId").asLong() > 0
                        ? Optional.of(new QueuedMarker(pool, node.get("jobId").asLong(), node.path("repository").asText(""), since))
                        : Optional.empty();
            }
            if (LOST.equals(node.path("kind").asText(null))) {
                return node.path("jobId").canConvertToLong() && node.path("jobId").asLong() >= 0
                        && node.path("runner").isTextual() && node.path("reason").isTextual()
                        ? Optional.of(new LostMarker(pool, node.get("jobId").asLong(), node.path("repository").asText(""),
                                node.get("runner").asText(), node.get("reason").asText(), since))
                        : Optional.empty();
            }
            if (!node.path("kind").isMissingNode() || !node.path("runner").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new BusyMarker(pool, node.get("runner").asText(),
                    node.path("instanceId").isTextual() ? node.get("instanceId").asText() : null,
                    node.path("jobId").asLong(), node.path("repository").asText(""), since));
        } catch (JsonProcessingException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Instant since(Marker marker) {
        if (marker instanceof BusyMarker b) {
            return b.since();
        }
        return marker instanceof QueuedMarker q ? q.since() : ((LostMarker) marker).since();
    }

    /**
     * Built on the first marker written or read, not with the store at start-up: constructing a
     * Jackson mapper loads some 300 classes. ObjectMapper is thread-safe once configured.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
