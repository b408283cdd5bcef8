package io.vmssrunnerscaler.identity;

import java.time.Instant;

/**
 * Checks an Azure instance metadata service attested document, as a runner VM forwards it
 * ({@code GET /metadata/attested/document} answers {@code {"encoding":"pkcs7","signature":"<base64>"}}).
 *
 * <p>An implementation verifies the PKCS#7 signature over the signed content, the signer certificate's chain
 * to a trust anchor at {@code now}, the signer's name, and the document's window ({@code createdOn} not after
 * {@code now} plus a small clock skew, {@code now} before {@code expiresOn}); then it returns the claims. It
 * does not compare the nonce, the VM id or the subscription with anything: the caller knows what to expect.
 */
public interface AttestationVerifier {
    /**
     * @param encoding the document's {@code encoding} field; only {@code pkcs7} is known
     * @param signatureBase64 the document's {@code signature} field: base64 of a DER PKCS#7 SignedData
     * @param now the time to check the chain and the window at
     * @return the signed claims
     * @throws AttestationException when any check fails; its message may be sent to the VM
     */
    AttestedInstance verify(String encoding, String signatureBase64, Instant now) throws AttestationException;
}
