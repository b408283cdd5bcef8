package io.vmssrunnerscaler.secrets.keyvault;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Reading, caching and re-reading through the SDK's async client against the fake vault. */
class KeyVaultSecretStoreTest extends KeyVaultFixture {

    @Test
    void readsThroughTheBearerChallengeOnFirstUseOnly() {
        KeyVaultSecretStore store = store();
        assertEquals(0, vault.getCalls(), "the client is built lazily: nothing happens before the first get");

        assertEquals(V1, result(store.get(NAME)));

        List<FakeKeyVault.Seen> seen = vault.seen();
        assertEquals(2, seen.size(), () -> "challenge, then the read: " + seen);
        assertEquals(new FakeKeyVault.Seen("/secrets/" + NAME + "/", "2025-07-01", false, 401), seen.get(0));
        assertEquals(new FakeKeyVault.Seen("/secrets/" + NAME + "/", "2025-07-01", true, 200), seen.get(1));
        assertEquals(1, vault.tokensIssued(), "token asked for the challenge's resource and tenant");
    }

    @Test
    void aSecondGetIsServedFromMemory() {
        KeyVaultSecretStore store = store();
        assertEquals(V1, result(store.get(NAME)));
        int calls = vault.getCalls();

        assertEquals(V1, result(store.get(NAME)));
        assertEquals(calls, vault.getCalls());
        assertEquals(1, vault.valuesServed());
    }

    @Test
    void aValueIsReadAgainOnlyAfterItsTimeToLive() {
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = nanos::get;
        KeyVaultSecretStore store = store(FAST.withCacheTtl(Duration.ofMinutes(10)), vault.credential(), ticker);
        assertEquals(V1, result(store.get(NAME)));
        vault.setSecret(NAME, V2);

        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertEquals(V1, result(store.get(NAME)), "still fresh");
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertEquals(V2, result(store.get(NAME)), "expired, read again");
        assertEquals(2, vault.valuesServed());
    }

    @Test
    void concurrentFirstGetsShareOneRead() throws Exception {
        KeyVaultSecretStore store = store();
        vault.holdReads();
        int callers = 16;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CompletableFuture<String>>> started = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                started.add(threads.submit(() -> {
                    go.await();
                    return store.get(NAME).subscribeAsCompletionStage();
                }));
            }
            go.countDown();
            List<CompletableFuture<String>> values = new ArrayList<>();
            for (Future<CompletableFuture<String>> f : started) {
                values.add(f.get(10, TimeUnit.SECONDS));
            }
            await().atMost(WAIT).until(() -> vault.heldReads() >= 1); // every caller subscribed, the read in flight

            vault.releaseReads();
            for (CompletableFuture<String> v : values) {
                assertEquals(V1, v.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, vault.valuesServed(), "one read for all callers");
            assertEquals(2, vault.getCalls(), "the challenge and that read");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void invalidateAfterRotationReadsTheNewValue() {
        KeyVaultSecretStore store = store();
        assertEquals(V1, result(store.get(NAME)));
        vault.setSecret(NAME, V2);
        assertEquals(V1, result(store.get(NAME)), "cached until told otherwise");

        store.invalidate(NAME);
        assertEquals(V2, result(store.get(NAME)));
        assertEquals(V2, result(store.get(NAME)));
        assertEquals(2, vault.valuesServed());
    }

    @Test
    void invalidatingDuringARereadDoesNotStartAnother() throws Exception {
        KeyVaultSecretStore store = store();
        assertEquals(V1, result(store.get(NAME)));
        vault.setSecret(NAME, V2);
        store.invalidate(NAME);
        vault.holdReads();
        CompletableFuture<String> first = store.get(NAME).subscribeAsCompletionStage();
        await().atMost(WAIT).until(() -> vault.heldReads() == 1);

        store.invalidate(NAME); // a second caller whose value failed too
        CompletableFuture<String> second = store.get(NAME).subscribeAsCompletionStage();
        vault.releaseReads();

        assertEquals(V2, first.get(10, TimeUnit.SECONDS));
        assertEquals(V2, second.get(10, TimeUnit.SECONDS));
        assertEquals(2, vault.valuesServed(), "the first read and one re-read");
    }

    @Test
    void toStringShowsNoValue() {
        KeyVaultSecretStore store = store();
        assertEquals(V1, result(store.get(NAME)));
        assertTrue(store.toString().contains("1 cached"), store::toString);
        assertFalse(store.toString().contains(V1));
    }

    @Test
    void anInvalidNameFailsWithoutACall() {
        KeyVaultSecretStore store = store();
        assertThrows(IllegalArgumentException.class, () -> result(store.get("../keys/signing")));
        assertThrows(IllegalArgumentException.class, () -> result(store.get("")));
        assertEquals(0, vault.getCalls());
    }
}
