package io.vmssrunnerscaler.scaleset.azure;

import io.vmssrunnerscaler.scaleset.CapacityRefusal;
import java.time.Duration;
import java.util.Objects;

/**
 * Every failure of a scale-set call, translated at the adapter boundary into the few kinds a caller
 * can act on. Each carries ARM's {@code x-ms-correlation-request-id} (null when no response came)
 * so that an operator can find the call in Azure's logs. Messages never contain credentials.
 */
public abstract sealed class ScaleSetException extends RuntimeException
        permits ScaleSetException.NotFound, ScaleSetException.Conflict, ScaleSetException.Throttled,
                ScaleSetException.Transient, ScaleSetException.Unauthorized, ScaleSetException.Rejected,
                ScaleSetException.CapacityRefused {

    /** What is known about the failed call; {@code status} 0 and {@code code} null when no response came. */
    public record Details(String operation, String scaleSet, int status, String code, String correlationId, String detail) {
        public Details {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(scaleSet, "scaleSet");
        }

        String describe(String kind) {
            StringBuilder s = new StringBuilder(operation).append(" on scale set ").append(scaleSet).append(": ").append(kind);
            if (status != 0) {
                s.append(", HTTP ").append(status);
            }
            if (code != null) {
                s.append(", code ").append(code);
            }
            if (detail != null && !detail.isBlank()) {
                s.append(", ").append(detail);
            }
            if (correlationId != null) {
                s.append(", correlation id ").append(correlationId);
            }
            return s.toString();
        }
    }

    private final transient Details details;

    private ScaleSetException(String kind, Details details, Throwable cause) {
        super(details.describe(kind), cause);
        this.details = details;
    }

    public Details details() {
        return details;
    }

    /** ARM's correlation id of the failed request, or null. */
    public String correlationId() {
        return details.correlationId();
    }

    /** Scale set or instance does not exist (404, ResourceNotFound). */
    public static final class NotFound extends ScaleSetException {
        public NotFound(Details details, Throwable cause) {
            super("not found", details, cause);
        }
    }

    /** The request conflicts with the resource's current state, e.g. another operation runs (409, 412). */
    public static final class Conflict extends ScaleSetException {
        public Conflict(Details details, Throwable cause) {
            super("conflict", details, cause);
        }
    }

    /** Azure throttled the call (429), or the local budget would make it wait longer than allowed. */
    public static final class Throttled extends ScaleSetException {
        private final Duration retryAfter;

        public Throttled(Details details, Duration retryAfter, Throwable cause) {
            super("throttled, retry after " + retryAfter.toSeconds() + " s", details, cause);
            this.retryAfter = retryAfter;
        }

        /** Do not call again before this has passed. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** Worth trying again later: 5xx, network failure, timeout, deadline exceeded, failed operation. */
    public static final class Transient extends ScaleSetException {
        public Transient(Details details, Throwable cause) {
            super("transient failure", details, cause);
        }
    }

    /** The credential was refused or lacks a permission (401, 403), or no token could be obtained. */
    public static final class Unauthorized extends ScaleSetException {
        public Unauthorized(Details details, Throwable cause) {
            super("unauthorized", details, cause);
        }
    }

    /**
     * Azure refused the request as invalid (400 and other 4xx: an unknown instance id, a quota
     * exceeded); repeating it unchanged will fail again.
     */
    public static final class Rejected extends ScaleSetException {
        public Rejected(Details details, Throwable cause) {
            super("rejected", details, cause);
        }
    }

    /**
     * Azure refused capacity: the regional or family vCPU quota (409 {@code OperationNotAllowed}
     * on a capacity change), no allocation in the region or zone, constraints no cluster meets,
     * the size or Spot capacity not offered. Asking the same scale set again within seconds fails
     * the same way; back off it and grow elsewhere. Never retried by the adapter.
     */
    public static final class CapacityRefused extends ScaleSetException implements CapacityRefusal {
        private final String refusalCode;
        private final String refusalReason;

        /**
         * @param refusalCode Azure's code that made this a refusal: {@code error.code}, or the
         *                    {@code error.details[].code} where Azure nested it
         */
        public CapacityRefused(Details details, String refusalCode, String refusalReason, Throwable cause) {
            super("capacity refused (" + refusalReason + ")", details, cause);
            this.refusalCode = Objects.requireNonNull(refusalCode, "refusalCode");
            this.refusalReason = Objects.requireNonNull(refusalReason, "refusalReason");
        }

        @Override
        public String refusalCode() {
            return refusalCode;
        }

        @Override
        public String refusalReason() {
            return refusalReason;
        }
    }
}
