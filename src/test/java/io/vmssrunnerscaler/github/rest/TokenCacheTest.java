package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void concurrentCallersShareOneFetch() {
        AtomicInteger fetches = new AtomicInteger();
        AtomicReference<UniEmitter<? super String>> answer = new AtomicReference<>();
        TokenCache<String> cache = new TokenCache<>(() -> {
            fetches.incrementAndGet();
            return Uni.createFrom().<String>emitter(answer::set);
        }, t -> true);
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cache.get().subscribe().with(results::add);
        }
        answer.get().complete("t1");

        assertEquals(List.of("t1", "t1", "t1", "t1", "t1"), results);
        assertEquals("t1", cache.get().await().atMost(WAIT));
        assertEquals(1, fetches.get());
    }

    @Test
    void aFailedFetchIsNotKept() {
        AtomicInteger fetches = new AtomicInteger();
        TokenCache<String> cache = new TokenCache<>(() -> fetches.incrementAndGet() == 1
                ? Uni.createFrom().failure(new IllegalStateException("store down"))
                : Uni.createFrom().item("t2"), t -> true);

        assertThrows(IllegalStateException.class, () -> cache.get().await().atMost(WAIT));
        assertEquals("t2", cache.get().await().atMost(WAIT));
    }

    @Test
    void fetchesAgainWhenUnusableOrInvalidated() {
        AtomicInteger fetches = new AtomicInteger();
        TokenCache<Integer> cache = new TokenCache<>(() -> Uni.createFrom().item(fetches.incrementAndGet()), n -> n != 2);

        assertEquals(1, cache.get().await().atMost(WAIT));
        assertEquals(1, cache.get().await().atMost(WAIT));
        cache.invalidate();
        assertEquals(2, cache.get().await().atMost(WAIT));
        assertEquals(3, cache.get().await().atMost(WAIT)); // 2 was not usable
    }
}
