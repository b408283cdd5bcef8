package io.vmssrunnerscaler.github.rest;

import java.time.Duration;
import java.time.Instant;

/**
 * Classifies a non-2xx answer by status code and headers, following GitHub's rate-limit guide:
 * {@code retry-after} first, else a reset when the primary limit is used up, else a minute.
 */
final class ErrorTranslator {
    /** GitHub's advice for a secondary limit that names no time. */
    static final Duration DEFAULT_THROTTLE = Duration.ofMinutes(1);

    private ErrorTranslator() {}

    static GitHubException translate(String call, int status, ResponseHeaders headers, Instant now) {
        String id = headers.requestId();
        if (status == 429) {
            return new GitHubException.RateLimited(call, status, id, until(headers, now));
        }
        if (status == 403 && (headers.retryAfter() != null || headers.exhausted())) {
            return new GitHubException.RateLimited(call, status, id, until(headers, now));
        }
        if (status == 401 || status == 403) {
            // A 403 without rate-limit headers is a missing permission; only the message text
            // would tell more, and that is not to be relied on.
            return new GitHubException.Unauthorized(call, status, id);
        }
        if (status == 404 || status == 410) {
            return new GitHubException.NotFound(call, status, id);
        }
        if (status >= 500 || status == 408) {
            return new GitHubException.Transient(call, status, id);
        }
        return new GitHubException.Conflict(call, status, id);
    }

    private static Instant until(ResponseHeaders headers, Instant now) {
        if (headers.retryAfter() != null) {
            return now.plus(headers.retryAfter());
        }
        if (headers.exhausted()) {
            return headers.reset();
        }
        return now.plus(DEFAULT_THROTTLE);
    }
}
