package io.vmssrunnerscaler.identity.imds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * The signed content of an IMDS attested document, e.g. (Microsoft's IMDS docs, "Attested data"):
 * <pre>
 * {"nonce":"20181128-001617","plan":{"name":"","product":"","publisher":""},
 *  "timeStamp":{"createdOn":"11/28/18 00:16:17 -0000","expiresOn":"11/28/18 06:16:17 -0000"},
 *  "vmId":"d3e0e374-fda6-4649-bbc9-7f20dc379f34","subscriptionId":"...","sku":"..."}
 * </pre>
 * The times are {@code MM/dd/yy HH:mm:ss} and a {@code ±HHMM} offset, parsed strictly (a 31st of
 * February, a one-digit month or a missing offset are refused).
 */
record ImdsDocument(String vmId, String subscriptionId, String nonce, Instant createdOn, Instant expiresOn) {
    /** IMDS's timestamp format. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MM/dd/uu HH:mm:ss xx", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static ImdsDocument parse(byte[] content) throws AttestationException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new AttestationException(Reason.MALFORMED, "signed content is not JSON");
        } catch (IOException e) {
            throw new AttestationException(Reason.MALFORMED, "signed content unreadable");
        }
        if (root == null || !root.isObject()) {
            throw new AttestationException(Reason.MALFORMED, "signed content is not a JSON object");
        }
        JsonNode timeStamp = root.path("timeStamp");
        return new ImdsDocument(text(root, "vmId"), text(root, "subscriptionId"), text(root, "nonce"),
                time(timeStamp, "createdOn"), time(timeStamp, "expiresOn"));
    }

    private static String text(JsonNode node, String field) throws AttestationException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new AttestationException(Reason.MALFORMED, "signed content lacks " + field);
        }
        return value.textValue();
    }

    private static Instant time(JsonNode timeStamp, String field) throws AttestationException {
        String text = text(timeStamp, field);
        try {
            return OffsetDateTime.parse(text, TIMESTAMP).toInstant();
        } catch (DateTimeParseException e) {
            throw new AttestationException(Reason.MALFORMED, "timeStamp." + field + " is not MM/dd/yy HH:mm:ss +HHMM");
        }
    }
}
