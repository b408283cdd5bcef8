package io.vmssrunnerscaler.secrets.keyvault;

import io.vmssrunnerscaler.secrets.SecretStoreException;
import java.time.Duration;
import java.util.Optional;

/**
 * When to try a failed read again. No jitter: reads of one name are coalesced, so there is no
 * crowd of callers to spread out.
 */
record Backoff(int maxAttempts, Duration first, Duration max) {

    static Backoff of(KeyVaultSettings settings) {
        return new Backoff(settings.maxAttempts(), settings.firstBackoff(), settings.maxBackoff());
    }

    /** The wait before the next attempt, or empty to give up after {@code attemptsMade} attempts. */
    Optional<Duration> next(int attemptsMade, SecretStoreException failure) {
        if (attemptsMade >= maxAttempts || !failure.retryable()) {
            return Optional.empty();
        }
        if (failure instanceof SecretStoreException.Throttled throttled && throttled.retryAfter().isPresent()) {
            // Honour the vault's wait; if it is longer than we may wait, asking again early only
            // earns another 429, so the caller gets Throttled with the vault's wait instead.
            Duration asked = throttled.retryAfter().get();
            return asked.compareTo(max) <= 0 ? Optional.of(asked) : Optional.empty();
        }
        long factor = 1L << Math.min(attemptsMade - 1, 20);
        Duration doubled = first.multipliedBy(factor);
        return Optional.of(doubled.compareTo(max) <= 0 ? doubled : max);
    }
}
