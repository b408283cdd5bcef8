package io.vmssrunnerscaler.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified Azure instance metadata (IMDS) attested document says about the VM that fetched it.
 * The caller still compares {@code nonce}, {@code vmId} and {@code subscriptionId} with what it expects:
 * the verifier only proves that Azure signed these values and that the document is within its window.
 *
 * @param vmId the VM's unique id (Azure's {@code vmId}, as in the scale set's instance view)
 * @param subscriptionId the VM's Azure subscription
 * @param nonce the nonce the VM asked for (IMDS returns a timestamp when none was given)
 * @param createdOn when IMDS first signed the document ({@code timeStamp.createdOn})
 * @param expiresOn when the document stops being valid ({@code timeStamp.expiresOn})
 */
public record AttestedInstance(String vmId, String subscriptionId, String nonce, Instant createdOn, Instant expiresOn) {
    public AttestedInstance {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(createdOn, "createdOn");
        Objects.requireNonNull(expiresOn, "expiresOn");
    }
}
