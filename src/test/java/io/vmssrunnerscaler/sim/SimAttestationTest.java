package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationException.Reason;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.identity.imds.Pkcs7AttestationVerifier;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimAttestationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final SimAttestation sim = new SimAttestation();
    private final Pkcs7AttestationVerifier trustingSim = new Pkcs7AttestationVerifier(
            Pkcs7AttestationVerifier.Settings.trusting(List.of(sim.trustAnchor())));

    @Test
    void itsDocumentsVerifyWithItsAnchor() throws Exception {
        AttestedInstance instance = verify(sim.documentFor("vm-1", "sub-1", "nonce1", NOW), trustingSim);
        assertEquals(new AttestedInstance("vm-1", "sub-1", "nonce1", NOW, NOW.plus(Duration.ofHours(6))), instance);
    }

    @Test
    void anotherSimulatorsDocumentsAreUntrusted() throws Exception {
        String other = new SimAttestation().documentFor("vm-1", "sub-1", "nonce1", NOW);
        AttestationException e = assertThrows(AttestationException.class, () -> verify(other, trustingSim));
        assertEquals(Reason.UNTRUSTED_SIGNER, e.reason());
    }

    @Test
    void theDocumentHasImdsFieldsAndTimestampFormat() throws Exception {
        String text = new String(SimAttestation.content("vm", "sub", "n", Instant.parse("2018-11-28T00:16:17Z"),
                Instant.parse("2018-11-28T06:16:17Z")), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("{\"nonce\":\"n\",\"plan\":{\"name\":\"\",\"product\":\"\",\"publisher\":\"\"},\"timeStamp\":"
                + "{\"createdOn\":\"11/28/18 00:16:17 -0000\",\"expiresOn\":\"11/28/18 06:16:17 -0000\"},\"vmId\":\"vm\","
                + "\"licenseType\":\"\",\"subscriptionId\":\"sub\",\"sku\":\"\"}", text);
        JsonNode answer = JSON.readTree(sim.documentFor("vm", "sub", "n", NOW));
        assertEquals("pkcs7", answer.get("encoding").asText());
    }

    private static AttestedInstance verify(String document, Pkcs7AttestationVerifier verifier) throws Exception {
        JsonNode json = JSON.readTree(document);
        return verifier.verify(json.get("encoding").asText(), json.get("signature").asText(), NOW);
    }
}
