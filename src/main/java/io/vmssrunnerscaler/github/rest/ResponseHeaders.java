package io.vmssrunnerscaler.github.rest;

import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The headers of a GitHub answer that decide what to do next.
 *
 * @param remaining {@code x-ratelimit-remaining}, -1 when absent
 * @param reset {@code x-ratelimit-reset} (epoch seconds), null when absent
 * @param retryAfter {@code retry-after}, null when absent
 * @param requestId {@code x-github-request-id}, null when absent
 */
record ResponseHeaders(long remaining, Instant reset, Duration retryAfter, String requestId) {

    static ResponseHeaders of(Response response) {
        return parse(response.getHeaderString("x-ratelimit-remaining"), response.getHeaderString("x-ratelimit-reset"),
                response.getHeaderString("retry-after"), response.getHeaderString("x-github-request-id"));
    }

    /** Lenient: a malformed header counts as absent, since a bad header must not fail a good answer. */
    static ResponseHeaders parse(String remaining, String reset, String retryAfter, String requestId) {
        Long rem = parseLong(remaining);
        Long resetSeconds = parseLong(reset);
        return new ResponseHeaders(rem == null ? -1 : rem, resetSeconds == null ? null : Instant.ofEpochSecond(resetSeconds),
                parseRetryAfter(retryAfter), requestId);
    }

    boolean exhausted() {
        return remaining == 0 && reset != null;
    }

    /** Seconds (what GitHub sends) or an HTTP date (what RFC 9110 also allows). */
    private static Duration parseRetryAfter(String value) {
        Long seconds = parseLong(value);
        if (seconds != null) {
            return Duration.ofSeconds(Math.max(0, seconds));
        }
        if (value == null) {
            return null;
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(Instant.now(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Long parseLong(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
