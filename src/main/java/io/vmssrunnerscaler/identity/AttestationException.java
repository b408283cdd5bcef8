package io.vmssrunnerscaler.identity;

import java.util.Objects;

/**
 * Why an attested document was refused. The message is meant for the VM that sent the document: it names
 * the failed check in a bounded, printable line, and never carries a stack, a key or the document itself.
 * A cause, when given, stays on the server side (logs), not in the message.
 */
public final class AttestationException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The longest message kept; the rest is cut. */
    public static final int MAX_MESSAGE = 200;

    /** The check that failed. */
    public enum Reason {
        /** Not base64, not a PKCS#7 SignedData, encoding other than pkcs7, content not the expected JSON. */
        MALFORMED,
        /** The signature does not verify over the content (tampered, or signed by another key). */
        BAD_SIGNATURE,
        /** The signer's certificate does not chain to a trusted root at the time of the check. */
        UNTRUSTED_SIGNER,
        /** The signer's certificate chains, but is not issued to the expected name. */
        WRONG_SIGNER_NAME,
        /** The document's {@code expiresOn} has passed. */
        EXPIRED,
        /** The document's {@code createdOn} is later than now plus the allowed clock skew. */
        NOT_YET_VALID
    }

    private final Reason reason;

    public AttestationException(Reason reason, String message) {
        this(reason, message, null);
    }

    public AttestationException(Reason reason, String message, Throwable cause) {
        super(safe(reason, message), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** The reason and the message, as printable ASCII at most {@link #MAX_MESSAGE} characters long. */
    private static String safe(Reason reason, String message) {
        String text = Objects.requireNonNull(reason, "reason") + ": " + (message == null ? "" : message);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_MESSAGE));
        for (int i = 0; i < text.length() && out.length() < MAX_MESSAGE; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
