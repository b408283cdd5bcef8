package io.vmssrunnerscaler.busy.queue;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a call to the busy queue failed, translated at the adapter boundary so that callers never
 * look at Azure SDK types or message text. Never carries the SDK exception as cause: its message
 * can quote request details, and a connection string or key must not reach a log.
 */
public abstract sealed class QueueStoreException extends RuntimeException {
    private final String requestId;

    private QueueStoreException(String message, String requestId) {
        super(requestId == null ? message : message + " (request id " + requestId + ")");
        this.requestId = requestId;
    }

    /** The service's {@code x-ms-request-id}, when the service answered. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** Whether trying the same call again later can succeed. */
    public abstract boolean retryable();

    /** Unreachable, timed out or a server error: try again later. */
    public static final class Transient extends QueueStoreException {
        public Transient(String message, String requestId) {
            super(message, requestId);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** The account is throttling (503 ServerBusy, 429); wait at least {@link #retryAfter()}. */
    public static final class Throttled extends QueueStoreException {
        private final Duration retryAfter;

        public Throttled(String message, Duration retryAfter, String requestId) {
            super(message, requestId);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** 401/403: wrong key, expired SAS or a missing role assignment. Retrying does not help. */
    public static final class Unauthorized extends QueueStoreException {
        public Unauthorized(String message, String requestId) {
            super(message, requestId);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** Any other refusal (bad request, invalid configuration): a bug or a setting to fix. */
    public static final class Rejected extends QueueStoreException {
        public Rejected(String message, String requestId) {
            super(message, requestId);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }
}
