package io.vmssrunnerscaler.secrets.keyvault;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Values read recently, and reads in flight: callers asking for a name while it is being read
 * share that one read. A failed read is forgotten before its callers hear of it, so the next get
 * tries again. (Caffeine's async cache would drop failed reads too, but only after the callers
 * were told, and it logs each failure as a warning.)
 */
final class SecretCache {
    private final Cache<String, String> values;
    private final ConcurrentMap<String, CompletableFuture<String>> reading = new ConcurrentHashMap<>();

    SecretCache(Duration ttl, int maxEntries, Ticker ticker) {
        this.values = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).ticker(ticker).build();
    }

    /** The remembered value, or the one {@code reader} produces, started at most once per name at a time. */
    Uni<String> get(String name, Function<String, Uni<String>> reader) {
        // Looked up on subscription, not on assembly, so that a re-subscribed Uni sees later changes.
        // Each caller gets a copy: a caller that cancels must not cancel the read the others wait for.
        return Uni.createFrom().completionStage(() -> lookup(name, reader).copy());
    }

    private CompletableFuture<String> lookup(String name, Function<String, Uni<String>> reader) {
        String known = values.getIfPresent(name);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> shared = reading.putIfAbsent(name, mine);
        if (shared != null) {
            return shared;
        }
        String justRead = values.getIfPresent(name); // a read may have ended between the two looks
        if (justRead != null) {
            reading.remove(name, mine);
            mine.complete(justRead);
            return mine;
        }
        Uni<String> read;
        try {
            read = reader.apply(name);
        } catch (RuntimeException e) { // never leave a read registered that nobody will finish
            reading.remove(name, mine);
            mine.completeExceptionally(e);
            return mine;
        }
        read.subscribe().with(
                value -> {
                    values.put(name, value); // before leaving `reading`, so a new caller finds one or the other
                    reading.remove(name, mine);
                    mine.complete(value);
                },
                failure -> {
                    reading.remove(name, mine);
                    mine.completeExceptionally(failure);
                });
        return mine;
    }

    /**
     * Forgets a value read earlier. A read in flight is kept: it started after that value was
     * read, so it already is the re-read, and a burst of callers all invalidating after the same
     * failure still causes one read, not one each.
     */
    void invalidate(String name) {
        values.invalidate(name);
    }

    int size() {
        return (int) values.estimatedSize();
    }
}
