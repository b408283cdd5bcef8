package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Classification by status and headers, and by GitHub's message only where a secondary limit is
 * otherwise indistinguishable from a missing permission: the table GitHub's rate-limit guide implies.
 */
class ErrorTranslatorTest {
    private static final Instant NOW = Instant.parse("2026-01-05T08:00:00Z");

    @ParameterizedTest(name = "{0} remaining={1} reset={2} retry-after={3} message={4} -> {5} {6} until {7}")
    @CsvSource(nullValues = "-", value = {
        "401, -,    -,          -,  -,                  Unauthorized, -,           -",
        "403, 12,   1767600100, -,  -,                  Unauthorized, -,           -",
        "403, 12,   1767600100, -,  'Resource not accessible by integration', Unauthorized, -, -",
        "403, -,    -,          -,  -,                  Unauthorized, -,           -",
        "403, 0,    1767600100, -,  -,                  RateLimited,  PRIMARY,     2026-01-05T08:01:40Z",
        "403, 7,    1767600100, 30, -,                  RateLimited,  RETRY_AFTER, 2026-01-05T08:00:30Z",
        "403, 4999, 1767600100, -,  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', RateLimited, SECONDARY, 2026-01-05T08:01:00Z",
        "403, -,    -,          -,  'You have triggered an abuse detection mechanism. Please wait a few minutes.', RateLimited, SECONDARY, 2026-01-05T08:01:00Z",
        "429, -,    -,          5,  -,                  RateLimited,  RETRY_AFTER, 2026-01-05T08:00:05Z",
        "429, 0,    1767600100, -,  -,                  RateLimited,  PRIMARY,     2026-01-05T08:01:40Z",
        "429, -,    -,          -,  -,                  RateLimited,  SECONDARY,   2026-01-05T08:01:00Z",
        "404, -,    -,          -,  -,                  NotFound,     -,           -",
        "404, -,    -,          -,  'secondary rate limit', NotFound, -,           -",
        "410, -,    -,          -,  -,                  NotFound,     -,           -",
        "409, -,    -,          -,  -,                  Conflict,     -,           -",
        "422, -,    -,          -,  -,                  Conflict,     -,           -",
        "400, -,    -,          -,  -,                  Conflict,     -,           -",
        "408, -,    -,          -,  -,                  Transient,    -,           -",
        "500, -,    -,          -,  -,                  Transient,    -,           -",
        "502, 0,    1767600100, -,  -,                  Transient,    -,           -",
        "503, -,    -,          9,  -,                  Transient,    -,           -",
    })
    void classifies(int status, String remaining, String reset, String retryAfter, String message, String kind,
            String limit, String until) {
        GitHubException e = ErrorTranslator.translate("GET /x", status,
                ResponseHeaders.parse(remaining, reset, retryAfter, "ABCD:1234"), message, NOW);

        assertEquals(kind, e.getClass().getSimpleName());
        assertEquals(status, e.status());
        assertEquals("ABCD:1234", e.requestId());
        if (until != null) {
            GitHubException.RateLimited limited = assertInstanceOf(GitHubException.RateLimited.class, e);
            assertEquals(Instant.parse(until), limited.until());
            assertEquals(limit, limited.limit().name());
        }
    }

    /** A 403 keeps GitHub's reason, which tells a refused re-run from a missing permission; its message does not. */
    @ParameterizedTest
    @CsvSource({
        "'This workflow is already running', false",
        "'Resource not accessible by integration', true",
        "'Resource not accessible by personal access token', true",
    })
    void aForbiddenCarriesGitHubsReason(String reason, boolean missingPermission) {
        GitHubException e = ErrorTranslator.translate("POST /x", 403, ResponseHeaders.parse("4999", "1767600100", null, null),
                reason, NOW);

        GitHubException.Unauthorized forbidden = assertInstanceOf(GitHubException.Unauthorized.class, e);
        assertEquals(reason, forbidden.gitHubMessage());
        assertEquals("POST /x: HTTP 403", e.getMessage());
        assertEquals(missingPermission, ErrorTranslator.missingPermissionMessage(forbidden.gitHubMessage()));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"abc, -1", "-, -1", "' 3 ', 3"})
    void malformedHeadersCountAsAbsent(String remaining, long parsed) {
        assertEquals(parsed, ResponseHeaders.parse(remaining, "soon", "later", null).remaining());
        assertEquals(null, ResponseHeaders.parse(remaining, "soon", "later", null).retryAfter());
    }
}
