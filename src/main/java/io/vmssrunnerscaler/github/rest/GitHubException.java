package io.vmssrunnerscaler.github.rest;

import java.time.Instant;

/**
 * A failed GitHub call, classified at the adapter boundary by status code and headers (never by
 * message text). Messages name the call, the status and GitHub's request id, and never a token,
 * a JIT configuration or a response body.
 */
public abstract sealed class GitHubException extends RuntimeException {
    private final String call;
    private final int status;
    private final String requestId;

    private GitHubException(String call, int status, String requestId, String detail, Throwable cause) {
        super(call + ": " + detail + (requestId == null ? "" : " [x-github-request-id " + requestId + "]"), cause);
        this.call = call;
        this.status = status;
        this.requestId = requestId;
    }

    /** {@code METHOD /path} of the call that failed. */
    String callName() {
        return call;
    }

    /** The HTTP status, 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** GitHub's {@code x-github-request-id}, for support requests; null without an answer. */
    public String requestId() {
        return requestId;
    }

    static String httpStatus(int status) {
        return "HTTP " + status;
    }

    /** 404 or 410: no such resource (or no permission to see it: GitHub answers 404 then too). */
    public static final class NotFound extends GitHubException {
        NotFound(String call, int status, String requestId) {
            super(call, status, requestId, httpStatus(status), null);
        }
    }

    /** The request was refused as it is (409, 422, other 4xx): repeating it unchanged will not help. */
    public static final class Conflict extends GitHubException {
        Conflict(String call, int status, String requestId) {
            super(call, status, requestId, httpStatus(status), null);
        }
    }

    /** A primary or secondary rate limit: nothing should be sent before {@link #until()}. */
    public static final class RateLimited extends GitHubException {
        /** Which limit GitHub reported, which decides how long to wait. */
        public enum Limit {
            /** The credential's budget is used up ({@code x-ratelimit-remaining: 0}): until {@code x-ratelimit-reset}. */
            PRIMARY,
            /** A limit whose end GitHub named in {@code retry-after}. */
            RETRY_AFTER,
            /** A secondary limit that names no end: at least a minute, longer when it repeats. */
            SECONDARY
        }

        private final Instant until;
        private final Limit limit;

        RateLimited(String call, int status, String requestId, Instant until, Limit limit) {
            super(call, status, requestId, (status == 0 ? "waiting" : httpStatus(status)) + ", "
                    + (limit == Limit.PRIMARY ? "rate limited" : "secondary rate limit") + " until " + until, null);
            this.until = until;
            this.limit = limit;
        }

        public Instant until() {
            return until;
        }

        public Limit limit() {
            return limit;
        }

        /** The same answer, with the end the shared gate settled on (a repeated secondary limit waits longer). */
        RateLimited until(Instant gateUntil) {
            return gateUntil.equals(until) ? this : new RateLimited(callName(), status(), requestId(), gateUntil, limit);
        }
    }

    /** 401 (the credential is wrong or expired) or 403 (it lacks a permission, or GitHub refuses the request). */
    public static final class Unauthorized extends GitHubException {
        private final String gitHubMessage;

        Unauthorized(String call, int status, String requestId) {
            this(call, status, requestId, null);
        }

        Unauthorized(String call, int status, String requestId, String gitHubMessage) {
            super(call, status, requestId, httpStatus(status), null);
            this.gitHubMessage = gitHubMessage;
        }

        /**
         * The {@code message} of GitHub's error body of a 403, or null: it tells a missing permission
         * from a refusal of this very request (a re-run of a run still in progress). Not part of
         * {@link #getMessage()}.
         */
        public String gitHubMessage() {
            return gitHubMessage;
        }
    }

    /** 5xx, 408, no answer within the deadline, or no connection: worth trying again later. */
    public static final class Transient extends GitHubException {
        Transient(String call, int status, String requestId) {
            super(call, status, requestId, httpStatus(status), null);
        }

        Transient(String call, String detail, Throwable cause) {
            super(call, 0, null, detail, cause);
        }
    }
}
