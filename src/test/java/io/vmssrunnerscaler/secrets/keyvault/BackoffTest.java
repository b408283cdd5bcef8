package io.vmssrunnerscaler.secrets.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.secrets.SecretStoreException.NotFound;
import io.vmssrunnerscaler.secrets.SecretStoreException.Throttled;
import io.vmssrunnerscaler.secrets.SecretStoreException.Transient;
import io.vmssrunnerscaler.secrets.SecretStoreException.Unauthorized;
import io.vmssrunnerscaler.secrets.SecretStoreException.Unexpected;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff backoff = new Backoff(4, Duration.ofMillis(500), Duration.ofSeconds(1));
    final Transient unavailable = new Transient("s", "down", 503, null, null);

    @Test
    void doublesUpToTheCapAndStopsAfterTheLastAttempt() {
        assertEquals(Optional.of(Duration.ofMillis(500)), backoff.next(1, unavailable));
        assertEquals(Optional.of(Duration.ofSeconds(1)), backoff.next(2, unavailable));
        assertEquals(Optional.of(Duration.ofSeconds(1)), backoff.next(3, unavailable), "capped");
        assertEquals(Optional.empty(), backoff.next(4, unavailable), "four attempts made");
    }

    @Test
    void honoursRetryAfterButGivesUpWhenItExceedsTheCap() {
        assertEquals(Optional.of(Duration.ofMillis(700)), backoff.next(1, throttled(Duration.ofMillis(700))));
        assertEquals(Optional.of(Duration.ZERO), backoff.next(1, throttled(Duration.ZERO)));
        assertEquals(Optional.empty(), backoff.next(1, throttled(Duration.ofSeconds(60))));
        assertEquals(Optional.of(Duration.ofMillis(500)), backoff.next(1, throttled(null)), "no Retry-After: own back-off");
    }

    @Test
    void neverRetriesWhatWaitingCannotFix() {
        assertEquals(Optional.empty(), backoff.next(1, new NotFound("s", "gone", 404, null)));
        assertEquals(Optional.empty(), backoff.next(1, new Unauthorized("s", "no", 403, null)));
        assertEquals(Optional.empty(), backoff.next(1, new Unexpected("s", "odd", 400, null)));
    }

    private static Throttled throttled(Duration retryAfter) {
        return new Throttled("s", 429, null, retryAfter);
    }
}
