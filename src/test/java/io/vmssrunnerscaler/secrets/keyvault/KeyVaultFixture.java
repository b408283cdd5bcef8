package io.vmssrunnerscaler.secrets.keyvault;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.credential.TokenCredential;
import com.github.benmanes.caffeine.cache.Ticker;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import io.vmssrunnerscaler.secrets.Leaks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A fresh fake vault per test (the SDK caches challenges per host:port) and one Vert.x per class. */
abstract class KeyVaultFixture {
    static final String NAME = "github-token";
    static final String V1 = "ghp_first-value-0123456789";
    static final String V2 = "ghp_rotated-value-9876543210";
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int ATTEMPTS = 3;
    /** Short waits so the tests stay fast; a wide enough cap to honour a 1 s Retry-After. */
    static final KeyVaultSettings FAST = KeyVaultSettings.defaults()
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(8))
            .withRetries(ATTEMPTS, Duration.ofMillis(10), Duration.ofSeconds(2));

    static Vertx vertx;
    FakeKeyVault vault;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        // The first read in a JVM loads the SDK, TLS and JSON classes (seconds on a busy machine);
        // done here so that the tests' short timeouts measure behaviour, not class loading.
        try (FakeKeyVault warmUp = FakeKeyVault.start()) {
            warmUp.setSecret(NAME, V1);
            new KeyVaultSecretStore(warmUp.vaultUrl(), warmUp.credential(), vertx, FAST,
                    ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST).get(NAME).await().atMost(Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startVault() {
        vault = FakeKeyVault.start();
        vault.setSecret(NAME, V1);
    }

    @AfterEach
    void stopVault() {
        vault.close();
    }

    KeyVaultSecretStore store() {
        return store(FAST);
    }

    KeyVaultSecretStore store(KeyVaultSettings settings) {
        return store(settings, vault.credential(), Ticker.systemTicker());
    }

    KeyVaultSecretStore store(KeyVaultSettings settings, TokenCredential credential, Ticker ticker) {
        return new KeyVaultSecretStore(vault.vaultUrl(), credential, vertx, settings,
                ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST, ticker);
    }

    static <T> T result(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    /** Runs the failing read, checks that no value leaks from it, and returns the failure. */
    <E extends Throwable> E failure(Class<E> kind, Uni<?> read) {
        E e = assertThrows(kind, () -> result(read));
        Leaks.assertNoValueIn(e, vault.allValues());
        return e;
    }
}
