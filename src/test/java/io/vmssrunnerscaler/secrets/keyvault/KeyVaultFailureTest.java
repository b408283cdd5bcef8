package io.vmssrunnerscaler.secrets.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault.Outage;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import io.vmssrunnerscaler.secrets.SecretStoreException.NotFound;
import io.vmssrunnerscaler.secrets.SecretStoreException.Throttled;
import io.vmssrunnerscaler.secrets.SecretStoreException.Transient;
import io.vmssrunnerscaler.secrets.SecretStoreException.Unauthorized;
import io.vmssrunnerscaler.secrets.SecretStoreException.Unexpected;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a read does when the vault says no, is busy, or is gone; every failure is checked for leaked values. */
class KeyVaultFailureTest extends KeyVaultFixture {

    @Test
    void anUnknownSecretIsNotFoundAndTheFailureIsNotRemembered() {
        KeyVaultSecretStore store = store();
        NotFound e = failure(NotFound.class, store.get("webhook-secret"));
        assertEquals(404, e.status());
        assertTrue(e.requestId().isPresent(), "carries x-ms-request-id");
        assertEquals(2, vault.getCalls(), "challenge and read, no retry");

        vault.setSecret("webhook-secret", "whsec-created-later");
        assertEquals("whsec-created-later", result(store.get("webhook-secret")));
    }

    @Test
    void aThrottledReadWaitsForRetryAfterAndSucceeds() {
        KeyVaultSecretStore store = store();
        vault.throttleNext(1, Duration.ofSeconds(1));
        long start = System.nanoTime();

        assertEquals(V1, result(store.get(NAME)));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, () -> "waited only " + took);
        assertEquals(429, vault.seen().get(0).status());
        assertEquals(1, vault.valuesServed());
    }

    @Test
    void throttlingThatOutlastsTheAttemptsFailsAsThrottled() {
        vault.throttleNext(100, Duration.ZERO);
        Throttled e = failure(Throttled.class, store().get(NAME));
        assertEquals(429, e.status());
        assertEquals(ATTEMPTS, vault.getCalls(), "bounded");
    }

    @Test
    void aRetryAfterBeyondTheCapFailsAtOnceWithTheVaultsWait() {
        vault.throttleNext(100, Duration.ofSeconds(120));
        Throttled e = failure(Throttled.class, store().get(NAME));
        assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
        assertEquals(1, vault.getCalls());
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void aVaultDownAtTheFirstReadFailsTransientThenRecovers(Outage how) {
        KeyVaultSecretStore store = store();
        vault.goDown(how);

        Transient e = failure(Transient.class, store.get(NAME));
        if (how == Outage.SERVICE_UNAVAILABLE) {
            assertEquals(503, e.status());
            assertEquals(ATTEMPTS, vault.getCalls(), "retried, bounded");
        } else {
            assertEquals(0, e.status());
            assertNotNull(e.getCause(), "the transport failure is kept");
        }

        vault.comeBack();
        assertEquals(V1, result(store.get(NAME)));
    }

    @Test
    void aHangingVaultFailsAtTheDeadline() {
        KeyVaultSecretStore store = store(FAST
                .withTimeouts(Duration.ofMillis(250), Duration.ofSeconds(1))
                .withRetries(10, Duration.ofMillis(10), Duration.ofMillis(50)));
        vault.holdReads();
        long start = System.nanoTime();

        Transient e = failure(Transient.class, store.get(NAME));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, () -> "took " + took);
        assertTrue(e.getMessage().contains("deadline"), e::getMessage);
        assertTrue(vault.getCalls() >= 3, "timed-out attempts were retried until the deadline");
    }

    @Test
    void aTokenTheVaultRejectsIsUnauthorizedAndNotRetried() {
        KeyVaultSecretStore store = store(FAST, FakeKeyVault.staticCredential("someone-elses-token"),
                Ticker.systemTicker());
        Unauthorized e = failure(Unauthorized.class, store.get(NAME));
        assertEquals(401, e.status());
        assertEquals(2, vault.getCalls(), "challenge, one try with the token");
    }

    @Test
    void theChallengeResourceIsVerifiedByDefault() {
        // The fake's challenge names vault.azure.net, which 127.0.0.1 is not under: a real client must refuse it.
        KeyVaultSecretStore store = new KeyVaultSecretStore(vault.vaultUrl(), vault.credential(), vertx, FAST);
        failure(Unexpected.class, store.get(NAME));
        assertEquals(0, vault.tokensIssued(), "no token handed to a host outside the resource's domain");
        assertTrue(vault.seen().stream().noneMatch(FakeKeyVault.Seen::authenticated));
    }

    @Test
    void theCheckCanOnlyBeSkippedForALocalHost() {
        var credential = vault.credential();
        assertThrows(IllegalArgumentException.class, () -> new KeyVaultSecretStore("https://kv.vault.azure.net",
                credential, vertx, FAST, ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST));
        assertThrows(IllegalArgumentException.class, () -> new KeyVaultSecretStore("http://127.0.0.1:8443",
                credential, vertx, FAST, ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST));
        new KeyVaultSecretStore("https://kv.vault.azure.net", credential, vertx, FAST); // no I/O in the constructor
        new KeyVaultSecretStore("https://localhost:8443", credential, vertx, FAST, ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST);
    }
}
