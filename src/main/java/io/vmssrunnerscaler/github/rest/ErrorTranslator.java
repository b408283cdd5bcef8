package io.vmssrunnerscaler.github.rest;

import io.vmssrunnerscaler.github.rest.GitHubException.RateLimited.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Classifies a non-2xx answer by status code and headers, following GitHub's rate-limit guide:
 * {@code retry-after} first, else a reset when the primary limit is used up, else (a secondary
 * limit that names no time) at least a minute, longer when it repeats ({@link RateLimitGate}).
 */
final class ErrorTranslator {
    /** GitHub's advice for a secondary limit that names no time: wait at least a minute. */
    static final Duration DEFAULT_THROTTLE = Duration.ofMinutes(1);

    private ErrorTranslator() {}

    /**
     * @param message the {@code message} of GitHub's error body, or null; read only to tell a
     *     secondary rate limit from a missing permission, both 403 and alike in every header
     */
    static GitHubException translate(String call, int status, ResponseHeaders headers, String message, Instant now) {
        String id = headers.requestId();
        if (status == 429 || (status == 403 && (headers.retryAfter() != null || headers.exhausted()
                || secondaryLimitMessage(message)))) {
            return rateLimited(call, status, headers, now);
        }
        if (status == 401 || status == 403) {
            return new GitHubException.Unauthorized(call, status, id, status == 403 ? message : null);
        }
        if (status == 404 || status == 410) {
            return new GitHubException.NotFound(call, status, id);
        }
        if (status >= 500 || status == 408) {
            return new GitHubException.Transient(call, status, id);
        }
        return new GitHubException.Conflict(call, status, id);
    }

    private static GitHubException.RateLimited rateLimited(String call, int status, ResponseHeaders headers, Instant now) {
        String id = headers.requestId();
        if (headers.retryAfter() != null) {
            return new GitHubException.RateLimited(call, status, id, now.plus(headers.retryAfter()), Limit.RETRY_AFTER);
        }
        if (headers.exhausted()) {
            return new GitHubException.RateLimited(call, status, id, headers.reset(), Limit.PRIMARY);
        }
        return new GitHubException.RateLimited(call, status, id, now.plus(DEFAULT_THROTTLE), Limit.SECONDARY);
    }

    /**
     * GitHub's words for a secondary limit ("You have exceeded a secondary rate limit", formerly
     * "You have triggered an abuse detection mechanism"). Text is a weak signal, but on a 403 with
     * neither {@code retry-after} nor {@code x-ratelimit-remaining: 0} it is the only one GitHub
     * sends, and missing it means hammering a limit GitHub may answer with a ban.
     */
    static boolean secondaryLimitMessage(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("secondary rate limit") || m.contains("abuse detection");
    }

    /**
     * GitHub's words for a missing permission on a 403: "Resource not accessible by integration"
     * (a GitHub App), "... by personal access token" (a fine-grained token). A 403 on a re-run that
     * is neither a rate limit nor this is GitHub refusing the re-run itself ("This workflow is
     * already running"); both come with the same status and headers.
     */
    static boolean missingPermissionMessage(String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains("not accessible by");
    }
}
