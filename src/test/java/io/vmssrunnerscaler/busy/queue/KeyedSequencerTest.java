package io.vmssrunnerscaler.busy.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class KeyedSequencerTest {
    private final KeyedSequencer<String> sequencer = new KeyedSequencer<>();
    private final List<String> started = new ArrayList<>();

    /** An operation that records its start and finishes when the test completes the returned future. */
    private Supplier<CompletionStage<String>> op(String name, CompletableFuture<String> finish) {
        return () -> {
            started.add(name);
            return finish;
        };
    }

    @Test
    void operationsOnOneKeyRunOneAfterAnotherInSubmissionOrder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> result = sequencer.submit("a", op("1", first));
        sequencer.submit("a", op("2", second));
        sequencer.submit("a", op("3", CompletableFuture.completedFuture("3")));
        assertEquals(List.of("1"), started);

        first.complete("1");
        assertEquals("1", result.join());
        assertEquals(List.of("1", "2"), started);
        second.complete("2");
        assertEquals(List.of("1", "2", "3"), started);
        assertEquals(0, sequencer.pendingKeys());
    }

    @Test
    void idleWaitsForEverythingSubmittedBeforeItFailuresIncludedButNotForLaterWork() {
        CompletableFuture<String> write = new CompletableFuture<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        CompletableFuture<String> failing = new CompletableFuture<>();
        sequencer.submit("a", op("write", write));
        sequencer.submit("b", op("fails", failing));
        sequencer.submitExclusive(op("load", load));
        CompletableFuture<Void> idle = sequencer.idle();

        write.complete("ok");
        failing.completeExceptionally(new IllegalStateException("queue down"));
        assertTrue(!idle.isDone(), "the load still runs");
        load.complete("ok");
        assertTrue(idle.isDone() && !idle.isCompletedExceptionally());

        sequencer.submit("a", op("later", new CompletableFuture<>()));
        assertTrue(idle.isDone());
        assertTrue(!sequencer.idle().isDone(), "a new idle waits for the later write");
    }

    @Test
    void operationsOnOtherKeysDoNotWait() {
        sequencer.submit("a", op("a", new CompletableFuture<>()));
        sequencer.submit("b", op("b", new CompletableFuture<>()));
        assertEquals(List.of("a", "b"), started);
    }

    @Test
    void aFailureEndsOnlyItsOwnOperation() {
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<String> result = sequencer.submit("a", op("1", failing));
        CompletableFuture<String> next = sequencer.submit("a", op("2", CompletableFuture.completedFuture("ok")));
        sequencer.submit("a", () -> {
            throw new IllegalStateException("thrown, not returned");
        });
        CompletableFuture<String> last = sequencer.submit("a", op("4", CompletableFuture.completedFuture("ok")));

        failing.completeExceptionally(new IllegalStateException("boom"));
        assertTrue(result.isCompletedExceptionally());
        assertEquals("ok", next.join());
        assertEquals("ok", last.join());
        assertEquals(List.of("1", "2", "4"), started);
    }

    @Test
    void aCancelledCallerDoesNotLetTheNextOperationStartEarly() {
        CompletableFuture<String> first = new CompletableFuture<>();
        sequencer.submit("a", op("1", first)).cancel(false);
        sequencer.submit("a", op("2", new CompletableFuture<>()));
        assertEquals(List.of("1"), started);
        first.complete("1");
        assertEquals(List.of("1", "2"), started);
    }

    @Test
    void anExclusiveOperationWaitsForEarlierOnesAndLaterOnesWaitForIt() {
        CompletableFuture<String> write = new CompletableFuture<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        sequencer.submit("a", op("write a", write));
        sequencer.submitExclusive(op("load", load));
        sequencer.submit("b", op("write b", CompletableFuture.completedFuture("b")));
        assertEquals(List.of("write a"), started);

        write.complete("a");
        assertEquals(List.of("write a", "load"), started);
        load.complete("loaded");
        assertEquals(List.of("write a", "load", "write b"), started);
    }
}
