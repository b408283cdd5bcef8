package io.vmssrunnerscaler.secrets;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a secret could not be read, translated at the store's boundary by status code so that
 * callers decide on the kind, never on message text. Messages name the secret, the HTTP status
 * and the remote request id, never the value; causes are only attached when they come from the
 * transport (they cannot carry a response body).
 */
public abstract sealed class SecretStoreException extends RuntimeException {
    private final String secretName;
    private final int status;
    private final String requestId;

    private SecretStoreException(String secretName, String what, int status, String requestId, Throwable cause) {
        super(message(secretName, what, status, requestId), cause);
        this.secretName = secretName;
        this.status = status;
        this.requestId = requestId;
    }

    private static String message(String name, String what, int status, String requestId) {
        StringBuilder m = new StringBuilder("secret '").append(name).append("': ").append(what);
        if (status > 0) {
            m.append(" (HTTP ").append(status);
            if (requestId != null) {
                m.append(", request id ").append(requestId);
            }
            m.append(')');
        }
        return m.toString();
    }

    /** The secret the read was for. */
    public String secretName() {
        return secretName;
    }

    /** The HTTP status the store answered with; 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The store's id of the failed request (Key Vault's {@code x-ms-request-id}), for support cases. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** Whether trying again later can help (the store was busy or unreachable). */
    public boolean retryable() {
        return this instanceof Throttled || this instanceof Transient;
    }

    /** No such secret (404, or not configured). */
    public static final class NotFound extends SecretStoreException {
        public NotFound(String secretName, String what, int status, String requestId) {
            super(secretName, what, status, requestId, null);
        }
    }

    /** The store refused our identity (401/403) or no token could be obtained: a configuration or role problem. */
    public static final class Unauthorized extends SecretStoreException {
        public Unauthorized(String secretName, String what, int status, String requestId) {
            super(secretName, what, status, requestId, null);
        }
    }

    /** The store asked us to slow down (429), possibly saying for how long. */
    public static final class Throttled extends SecretStoreException {
        private final Duration retryAfter;

        public Throttled(String secretName, int status, String requestId, Duration retryAfter) {
            super(secretName, retryAfter == null ? "throttled" : "throttled, retry after " + retryAfter,
                    status, requestId, null);
            this.retryAfter = retryAfter;
        }

        /** How long the store asked us to wait, when it said. */
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    /** The store was unavailable (5xx, 408), unreachable or too slow; worth another try later. */
    public static final class Transient extends SecretStoreException {
        public Transient(String secretName, String what, int status, String requestId, Throwable transportCause) {
            super(secretName, what, status, requestId, transportCause);
        }
    }

    /**
     * Anything else: another 4xx, a malformed answer, a challenge for a resource other than the
     * vault's. Retrying will not help; the SDK has logged the details.
     */
    public static final class Unexpected extends SecretStoreException {
        public Unexpected(String secretName, String what, int status, String requestId) {
            super(secretName, what, status, requestId, null);
        }
    }
}
