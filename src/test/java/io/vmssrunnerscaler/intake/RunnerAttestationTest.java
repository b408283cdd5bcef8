package io.vmssrunnerscaler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationVerifier;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.intake.RunnerAttestation.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the runner endpoints answer for a document, given what the verifier makes of it: the
 * signature checks themselves are the verifier's (Pkcs7AttestationVerifierTest); here, the nonce
 * rules and how each refusal is told to the VM.
 */
class RunnerAttestationTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final String VM_ID = "8d10da9e-4df4-4a86-9b6c-1ab9b6a8b7f1";

    private final AttestationNonces nonces = new AttestationNonces(AttestationNonces.Limits.defaults(Duration.ofMinutes(2), 30));
    private final RunnerAttestation attestation = new RunnerAttestation();

    /** Stands in for the PKCS#7 check: a signature {@code good:<nonce>} proves VM_ID; others fail as named. */
    private final AttestationVerifier verifier = (encoding, signature, now) -> {
        if (signature.startsWith("good:")) {
            return new AttestedInstance(VM_ID, "sub", signature.substring(5), now.minusSeconds(1), now.plusSeconds(300));
        }
        throw new AttestationException(AttestationException.Reason.valueOf(signature), "refused: " + signature);
    };

    @Test
    void aDocumentWithANonceIssuedForThisRunnerProvesItsVmOnce() {
        attestation.require(verifier, nonces);
        String nonce = nonce("linux000001");
        Check first = attestation.check("linux000001", document("good:" + nonce), NOW);
        assertEquals(VM_ID, assertInstanceOf(Check.Proven.class, first).instance().vmId());

        assertRefused(attestation.check("linux000001", document("good:" + nonce), NOW), 401, "nonce-unknown");
    }

    @Test
    void aNonceForAnotherRunnerOrStaleOrNeverIssuedIsRefused() {
        attestation.require(verifier, nonces);
        String forSibling = nonce("linux000002");
        assertRefused(attestation.check("linux000001", document("good:" + forSibling), NOW), 403, "nonce-other-runner");
        assertRefused(attestation.check("linux000001", document("good:abc123"), NOW), 401, "nonce-unknown");
        String late = nonce("linux000001");
        assertRefused(attestation.check("linux000001", document("good:" + late), NOW.plus(Duration.ofMinutes(3))), 401,
                "nonce-expired");
        assertInstanceOf(Check.Proven.class, attestation.check("linux000002", document("good:" + forSibling), NOW),
                "the sibling's try left the rightful VM's nonce usable");
    }

    @Test
    void eachVerifierRefusalIsToldWithItsOwnOutcomeAndNoNonceIsSpent() {
        attestation.require(verifier, nonces);
        Map<String, String> outcomes = Map.of("BAD_SIGNATURE", "bad-signature", "UNTRUSTED_SIGNER", "untrusted-signer",
                "WRONG_SIGNER_NAME", "untrusted-signer", "EXPIRED", "document-expired", "NOT_YET_VALID", "document-expired");
        outcomes.forEach((reason, outcome) -> assertRefused(attestation.check("linux000001", document(reason), NOW), 401, outcome));
        assertRefused(attestation.check("linux000001", document("MALFORMED"), NOW), 400, "malformed");
    }

    @Test
    void missingMalformedAndOversizedBodiesAreRefusedBeforeAnyCheck() {
        attestation.require((encoding, signature, now) -> {
            throw new AssertionError("the verifier was asked");
        }, nonces);
        assertRefused(attestation.check("linux000001", null, NOW), 401, "attestation-required");
        assertRefused(attestation.check("linux000001", "  ", NOW), 401, "attestation-required");
        assertRefused(attestation.check("linux000001", "{not json", NOW), 400, "malformed");
        assertRefused(attestation.check("linux000001", "{\"encoding\":\"pkcs7\"}", NOW), 400, "malformed");
        assertRefused(attestation.check("linux000001", "x".repeat(RunnerAttestation.MAX_DOCUMENT_BYTES + 1), NOW), 413,
                "too-large");
    }

    @Test
    void beforeTheWiringSetsAVerifierVmsAreToldToRetryAndOffModeNeedsNothing() {
        assertRefused(attestation.check("linux000001", document("good:x"), NOW), 503, "starting");
        attestation.off();
        assertFalse(attestation.required());
        assertTrue(attestation.nonces().isEmpty());
        attestation.require(verifier, nonces);
        assertTrue(attestation.required());
    }

    private String nonce(String runner) {
        return ((AttestationNonces.Issue.Issued) nonces.issue(runner, "10.0.0.5", NOW)).nonce();
    }

    private static String document(String signature) {
        return "{\"encoding\":\"pkcs7\",\"signature\":\"" + signature + "\"}";
    }

    private static void assertRefused(Check check, int status, String outcome) {
        Check.Refused refused = assertInstanceOf(Check.Refused.class, check);
        assertEquals(status, refused.status(), refused.reason());
        assertEquals(outcome, refused.outcome());
    }
}
