package io.vmssrunnerscaler.busy.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmssrunnerscaler.busy.BusyMarker;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The message body of a busy marker: a small versioned JSON object. Written through Jackson's tree
 * model, so no reflection needs registering for a native image.
 * <pre>{"v":1,"pool":"linux","runner":"vm00002s","instanceId":"7","jobId":42,"since":"2025-01-01T10:00:00Z"}</pre>
 */
final class MarkerCodec {
    static final int VERSION = 1;
    private final ObjectMapper mapper = new ObjectMapper();

    String encode(BusyMarker marker) {
        ObjectNode node = mapper.createObjectNode()
                .put("v", VERSION)
                .put("pool", marker.pool())
                .put("runner", marker.runnerName())
                .put("instanceId", marker.instanceId())
                .put("jobId", marker.jobId())
                .put("since", marker.since() == null ? null : marker.since().toString());
        return node.toString();
    }

    /** The marker, or empty for a message this store did not write (or a later version it cannot read). */
    Optional<BusyMarker> decode(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject() || node.path("v").asInt() != VERSION
                    || !node.path("pool").isTextual() || !node.path("runner").isTextual()) {
                return Optional.empty();
            }
            JsonNode since = node.path("since");
            return Optional.of(new BusyMarker(node.get("pool").asText(), node.get("runner").asText(),
                    node.path("instanceId").isTextual() ? node.get("instanceId").asText() : null,
                    node.path("jobId").asLong(),
                    since.isTextual() ? Instant.parse(since.asText()) : null));
        } catch (JsonProcessingException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
