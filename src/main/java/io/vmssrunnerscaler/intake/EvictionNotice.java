package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a runner VM's watcher says of an Azure scheduled event that takes it away:
 * {@code {"eventId":"...","eventType":"Preempt"|"Terminate","notBefore":"..."}}, with
 * {@code eventType} required and the rest for the log. Read through Jackson's tree model, so
 * no reflection needs registering for a native image.
 */
record EvictionNotice(EvictionKind kind, String eventId, String notBefore) {
    /** A notice is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BYTES = 4096;

    /** Why a body is not a notice; the message is the reason the caller is told. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason);
        }
    }

    static EvictionNotice parse(String body) throws Malformed {
        if (body == null || body.isBlank()) {
            throw new Malformed("a JSON body {\"eventType\":\"Preempt\"|\"Terminate\", ...} is required");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Malformed("the body is not JSON");
        }
        if (node == null || !node.isObject() || !node.path("eventType").isTextual()) {
            throw new Malformed("eventType (Preempt or Terminate) is required");
        }
        EvictionKind kind = switch (node.get("eventType").asText().toLowerCase(Locale.ROOT)) {
            case "preempt" -> EvictionKind.PREEMPT;
            case "terminate" -> EvictionKind.TERMINATE;
            default -> throw new Malformed("eventType must be Preempt or Terminate, got '"
                    + printable(node.get("eventType").asText()) + "'");
        };
        return new EvictionNotice(kind, printable(node.path("eventId").asText("")), printable(node.path("notBefore").asText("")));
    }

    static boolean tooLarge(String body) {
        return body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
    }

    /** Safe for a log line: at most 64 characters, no control characters. */
    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
