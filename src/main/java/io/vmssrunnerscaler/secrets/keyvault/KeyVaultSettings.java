package io.vmssrunnerscaler.secrets.keyvault;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link KeyVaultSecretStore} caches, waits and retries.
 *
 * @param cacheTtl how long a value read is used without asking Key Vault again
 * @param cacheMaxEntries how many secrets are remembered at most
 * @param attemptTimeout how long one HTTP attempt (token, challenge and read) may take
 * @param deadline how long one read may take in all, retries and waits included
 * @param maxAttempts attempts per read when Key Vault throttles (429) or is unavailable (5xx, no answer)
 * @param firstBackoff wait before the second attempt; doubles per attempt
 * @param maxBackoff longest wait between attempts; a longer {@code Retry-After} fails the read as throttled
 */
public record KeyVaultSettings(
        Duration cacheTtl,
        int cacheMaxEntries,
        Duration attemptTimeout,
        Duration deadline,
        int maxAttempts,
        Duration firstBackoff,
        Duration maxBackoff) {

    public KeyVaultSettings {
        positive(cacheTtl, "cacheTtl");
        positive(attemptTimeout, "attemptTimeout");
        positive(deadline, "deadline");
        positive(firstBackoff, "firstBackoff");
        positive(maxBackoff, "maxBackoff");
        if (cacheMaxEntries < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("cacheMaxEntries and maxAttempts must be at least 1");
        }
        if (firstBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("firstBackoff must not exceed maxBackoff");
        }
    }

    /**
     * One hour of caching (Key Vault allows 4,000 reads per 10 s per vault, but a token rarely
     * changes and a stale one is re-read on demand); four attempts, 0.5 s doubling to 8 s.
     */
    public static KeyVaultSettings defaults() {
        return new KeyVaultSettings(Duration.ofHours(1), 100, Duration.ofSeconds(10), Duration.ofSeconds(30),
                4, Duration.ofMillis(500), Duration.ofSeconds(8));
    }

    /** The same with another cache lifetime. */
    public KeyVaultSettings withCacheTtl(Duration ttl) {
        return new KeyVaultSettings(ttl, cacheMaxEntries, attemptTimeout, deadline, maxAttempts, firstBackoff, maxBackoff);
    }

    /** The same with other time limits. */
    public KeyVaultSettings withTimeouts(Duration attempt, Duration overall) {
        return new KeyVaultSettings(cacheTtl, cacheMaxEntries, attempt, overall, maxAttempts, firstBackoff, maxBackoff);
    }

    /** The same with another retry budget. */
    public KeyVaultSettings withRetries(int attempts, Duration first, Duration max) {
        return new KeyVaultSettings(cacheTtl, cacheMaxEntries, attemptTimeout, deadline, attempts, first, max);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
