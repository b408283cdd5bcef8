package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationVerifier;
import io.vmssrunnerscaler.identity.AttestedInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * How a runner VM proves which instance it is before it gets a runner configuration: it asks for a
 * nonce for its name, has the instance metadata service sign a document holding that nonce, and
 * sends the document. This checks the document (signature, chain, validity: the verifier) and the
 * nonce (issued here, for this name, unused, fresh); the pool then matches the document's VM id
 * with the named instance's. The wiring sets the mode and verifier at start; network-only mode
 * ({@code off}) skips all of it.
 */
@ApplicationScoped
public class RunnerAttestation {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An attested document is about 4 KB; anything far larger is not one. */
    static final int MAX_DOCUMENT_BYTES = 64 * 1024;

    /** What checking a document came to. */
    public sealed interface Check {
        record Proven(AttestedInstance instance) implements Check {}

        /** @param outcome a stable word for scripts and metrics; {@code reason} is for people */
        record Refused(int status, String outcome, String reason) implements Check {}
    }

    private volatile boolean required = true;
    private volatile AttestationVerifier verifier;
    private volatile AttestationNonces nonces;

    /** Network-only mode: any VM on the runner network may ask for any provisioning instance's configuration. */
    public void off() {
        this.required = false;
        this.verifier = null;
        this.nonces = null;
    }

    /** Documents are checked with {@code verifier}; nonces are issued and used from {@code nonces}. */
    public void require(AttestationVerifier verifier, AttestationNonces nonces) {
        this.verifier = verifier;
        this.nonces = nonces;
        this.required = true;
    }

    public boolean required() {
        return required;
    }

    /** Empty while the wiring has not set a verifier (starting), or in network-only mode. */
    public Optional<AttestationNonces> nonces() {
        return Optional.ofNullable(nonces);
    }

    /** Checks the attested document a VM sent with its request for {@code runnerName}'s configuration. */
    public Check check(String runnerName, String body, Instant now) {
        AttestationVerifier v = verifier;
        AttestationNonces n = nonces;
        if (v == null || n == null) {
            return new Check.Refused(503, "starting", "the scaler is starting; retry");
        }
        if (body == null || body.isBlank()) {
            return new Check.Refused(401, "attestation-required", "send the instance metadata service's attested"
                    + " document (with a nonce from POST /runners/" + runnerName + "/nonce) as the request body");
        }
        if (body.length() > MAX_DOCUMENT_BYTES) {
            return new Check.Refused(413, "too-large", "an attested document is a few kilobytes");
        }
        String encoding;
        String signature;
        try {
            JsonNode doc = JSON.readTree(body);
            encoding = doc.path("encoding").asText(null);
            signature = doc.path("signature").asText(null);
        } catch (IOException e) {
            return new Check.Refused(400, "malformed", "the body is not the metadata service's JSON answer");
        }
        if (encoding == null || signature == null) {
            return new Check.Refused(400, "malformed", "the document needs 'encoding' and 'signature'");
        }
        AttestedInstance proven;
        try {
            proven = v.verify(encoding, signature, now);
        } catch (AttestationException e) {
            return refused(e);
        }
        return switch (n.use(proven.nonce(), runnerName, now)) {
            case ACCEPTED -> new Check.Proven(proven);
            case UNKNOWN -> new Check.Refused(401, "nonce-unknown",
                    "the document's nonce was not issued here, or was used already; ask for a new one");
            case EXPIRED -> new Check.Refused(401, "nonce-expired", "the document's nonce expired; ask for a new one");
            case OTHER_RUNNER -> new Check.Refused(403, "nonce-other-runner", "the nonce was issued for another runner");
        };
    }

    private static Check.Refused refused(AttestationException e) {
        return switch (e.reason()) {
            case MALFORMED -> new Check.Refused(400, "malformed", e.getMessage());
            case BAD_SIGNATURE -> new Check.Refused(401, "bad-signature", e.getMessage());
            case UNTRUSTED_SIGNER, WRONG_SIGNER_NAME -> new Check.Refused(401, "untrusted-signer", e.getMessage());
            case EXPIRED, NOT_YET_VALID -> new Check.Refused(401, "document-expired", e.getMessage());
        };
    }
}
