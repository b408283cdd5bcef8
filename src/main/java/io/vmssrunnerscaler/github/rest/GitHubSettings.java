package io.vmssrunnerscaler.github.rest;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RestGitHub} talks to GitHub. {@link #defaults()} suits github.com; GitHub Enterprise
 * Server needs {@code https://HOST/api/v3} as base URI.
 *
 * @param baseUri the REST API root
 * @param userAgent sent with every request (GitHub refuses requests without one)
 * @param requestTimeout the deadline of one HTTP exchange
 * @param maxAttempts tries of one call when GitHub answers 5xx or not at all
 * @param retryBackoff the wait before the second try; doubled for each further one
 * @param maxThrottledRetries how often one call is repeated after a rate-limit answer
 * @param maxRateLimitWait the longest a call waits for a rate limit to pass; beyond it the call
 *     fails at once with {@link GitHubException.RateLimited}, so that the caller can do other work
 * @param tokenRefreshMargin installation and registration tokens are renewed this long before
 *     they expire
 * @param perPage page size of listings (GitHub allows at most 100)
 * @param workFolder the {@code work_folder} of JIT runner configurations
 */
public record GitHubSettings(URI baseUri, String userAgent, Duration requestTimeout, int maxAttempts,
        Duration retryBackoff, int maxThrottledRetries, Duration maxRateLimitWait, Duration tokenRefreshMargin,
        int perPage, String workFolder) {

    public static final URI GITHUB_COM = URI.create("https://api.github.com");

    public GitHubSettings {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(workFolder, "workFolder");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(retryBackoff, "retryBackoff");
        requirePositive(maxRateLimitWait, "maxRateLimitWait");
        requirePositive(tokenRefreshMargin, "tokenRefreshMargin");
        if (maxAttempts < 1 || maxThrottledRetries < 0 || perPage < 1 || perPage > 100) {
            throw new IllegalArgumentException("need maxAttempts >= 1, maxThrottledRetries >= 0, 1 <= perPage <= 100");
        }
    }

    public static GitHubSettings defaults() {
        return new GitHubSettings(GITHUB_COM, "vmss-runner-scaler", Duration.ofSeconds(10), 3, Duration.ofMillis(500), 3,
                Duration.ofSeconds(60), Duration.ofMinutes(5), 100, "_work");
    }

    public GitHubSettings withBaseUri(URI value) {
        return new GitHubSettings(value, userAgent, requestTimeout, maxAttempts, retryBackoff, maxThrottledRetries,
                maxRateLimitWait, tokenRefreshMargin, perPage, workFolder);
    }

    public GitHubSettings withRequestTimeout(Duration value) {
        return new GitHubSettings(baseUri, userAgent, value, maxAttempts, retryBackoff, maxThrottledRetries,
                maxRateLimitWait, tokenRefreshMargin, perPage, workFolder);
    }

    public GitHubSettings withRetries(int attempts, Duration backoff) {
        return new GitHubSettings(baseUri, userAgent, requestTimeout, attempts, backoff, maxThrottledRetries,
                maxRateLimitWait, tokenRefreshMargin, perPage, workFolder);
    }

    public GitHubSettings withMaxRateLimitWait(Duration value) {
        return new GitHubSettings(baseUri, userAgent, requestTimeout, maxAttempts, retryBackoff, maxThrottledRetries,
                value, tokenRefreshMargin, perPage, workFolder);
    }

    public GitHubSettings withPerPage(int value) {
        return new GitHubSettings(baseUri, userAgent, requestTimeout, maxAttempts, retryBackoff, maxThrottledRetries,
                maxRateLimitWait, tokenRefreshMargin, value, workFolder);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
