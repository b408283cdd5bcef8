package io.vmssrunnerscaler.busy.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs operations one after another per key, in the order they were submitted, without blocking a
 * thread: each starts when its predecessor completed, whatever the outcome. An exclusive operation
 * (loadAll) waits for everything submitted before it, and everything submitted after waits for it.
 * The lock only guards the bookkeeping of a few references.
 */
final class KeyedSequencer<K> {
    private final Map<K, CompletableFuture<Void>> tails = new HashMap<>();
    private CompletableFuture<Void> barrier = CompletableFuture.completedFuture(null);

    <T> CompletableFuture<T> submit(K key, Supplier<? extends CompletionStage<T>> operation) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> before;
        synchronized (this) {
            CompletableFuture<Void> previous = tails.put(key, done);
            before = previous == null ? barrier : CompletableFuture.allOf(previous, barrier);
        }
        done.whenComplete((ignored, error) -> forget(key, done));
        return runAfter(before, operation, done);
    }

    <T> CompletableFuture<T> submitExclusive(Supplier<? extends CompletionStage<T>> operation) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> before;
        synchronized (this) {
            List<CompletableFuture<Void>> running = new ArrayList<>(tails.values());
            running.add(barrier);
            before = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
            barrier = done;
        }
        return runAfter(before, operation, done);
    }

    /** Completes once everything submitted so far has finished, failed ones included. */
    synchronized CompletableFuture<Void> idle() {
        List<CompletableFuture<Void>> running = new ArrayList<>(tails.values());
        running.add(barrier);
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    }

    /** Keys with operations queued or running; for tests. */
    synchronized int pendingKeys() {
        return tails.size();
    }

    private synchronized void forget(K key, CompletableFuture<Void> done) {
        tails.remove(key, done);
    }

    /**
     * The caller gets its own future: cancelling it (a caller's timeout) must not let the next
     * operation start before this one has really finished.
     */
    private static <T> CompletableFuture<T> runAfter(CompletableFuture<Void> before,
            Supplier<? extends CompletionStage<T>> operation, CompletableFuture<Void> done) {
        CompletableFuture<T> result = new CompletableFuture<>();
        before.whenComplete((ignored, predecessorError) -> {
            CompletionStage<T> stage;
            try {
                stage = operation.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, error) -> {
                done.complete(null);
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        });
        return result;
    }
}
