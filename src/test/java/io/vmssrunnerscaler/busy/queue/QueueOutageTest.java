package io.vmssrunnerscaler.busy.queue;

import static io.vmssrunnerscaler.busy.queue.QueueFixture.await;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.marker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue going away: calls fail within their deadline with a translated error, the cached status
 * says so (without secrets), and once the queue is back the re-driven writes succeed and no marker
 * is lost. Azurite keeps its data on disk here, as the real service does through an outage.
 */
class QueueOutageTest {
    /**
     * Short, so that failing calls end quickly. Six silent attempts would take 7.5 s: the 3 s call
     * deadline, not the retry count, has to end a call to a queue that never answers. The margin
     * covers scheduling on a busy machine.
     */
    private static final QueueStoreSettings FAST_FAILING = new QueueStoreSettings("placeholder",
            Duration.ofSeconds(1), 5, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(3),
            Duration.ofSeconds(10), Duration.ofSeconds(1));
    private static final Duration MARGIN = Duration.ofMillis(1500);
    private static Azurite azurite;
    private QueueBusyStore store;
    private String queue;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.onDisk();
        QueueFixture.warmUp(azurite);
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @BeforeEach
    void newStore() {
        queue = QueueFixture.uniqueQueueName();
        store = new QueueBusyStore(QueueAccess.connectionString(azurite.connectionString()), settings(queue), null);
    }

    @AfterEach
    void queueBack() {
        azurite.resume();
        azurite.start();
    }

    private static QueueStoreSettings settings(String queue) {
        QueueStoreSettings s = FAST_FAILING;
        return new QueueStoreSettings(queue, s.attemptTimeout(), s.maxRetries(), s.firstBackoff(), s.maxBackoff(),
                s.callDeadline(), s.loadDeadline(), s.loadVisibility());
    }

    @Test
    void aStoppedQueueFailsCallsAndTheStoreRecoversWithoutLosingMarkers() {
        succeeds(store, store.markBusy(marker("vm-a", 1)));
        assertEquals(QueueStatus.State.UP, store.status().state());
        QueueBusyStore restarted = new QueueBusyStore(azurite.connectionString(), settings(queue));

        azurite.stop();
        QueueStoreException failure = failsWithinDeadline(store.markBusy(marker("vm-b", 2)));
        failsWithinDeadline(store.clearBusy("linux", "vm-a"));
        failsWithinDeadline(restarted.loadAll());
        assertFalse(store.healthy());
        assertFalse(restarted.healthy());
        QueueStatus down = store.status();
        assertNotNull(down.lastFailure());
        assertTrue(down.reason().contains("unreachable"), down.reason());
        assertNoSecret(failure.getMessage());
        assertNoSecret(down.reason());
        assertNoSecret(down.toString());

        azurite.start();
        succeeds(store, store.markBusy(marker("vm-b", 2))); // the caller re-drives
        assertTrue(store.healthy());
        assertEquals(QueueStatus.State.UP, store.status().state());
        assertEquals(Set.of(marker("vm-a", 1), marker("vm-b", 2)), Set.copyOf(succeeds(restarted, restarted.loadAll()).busy()));
        assertTrue(restarted.healthy());
    }

    @Test
    void aQueueThatNeverAnswersFailsWithinTheDeadline() {
        succeeds(store, store.markBusy(marker("vm-a", 1)));

        azurite.pause();
        QueueStoreException failure = failsWithinDeadline(store.markBusy(marker("vm-a", 2)));
        assertTrue(failure.getMessage().contains("deadline"), failure.getMessage());
        assertFalse(store.healthy());
        assertFalse(await(store.probe()).healthy());

        azurite.resume();
        Awaitility.await("the probe sees the queue again").atMost(QueueFixture.WAIT)
                .until(() -> await(store.probe()).healthy());
        succeeds(store, store.markBusy(marker("vm-a", 2)));
        assertEquals(Set.of(marker("vm-a", 2)),
                Set.copyOf(await(new QueueBusyStore(azurite.connectionString(), settings(queue)).loadAll()).busy()));
    }

    /** Awaits a call that must succeed; on failure says what the store last saw. */
    private static <T> T succeeds(QueueBusyStore on, Uni<T> call) {
        try {
            return await(call);
        } catch (QueueStoreException e) {
            throw new AssertionError(e.getMessage() + "; status " + on.status(), e);
        }
    }

    private static QueueStoreException failsWithinDeadline(Uni<?> call) {
        long start = System.nanoTime();
        QueueStoreException e = assertThrows(QueueStoreException.Transient.class,
                () -> call.await().atMost(FAST_FAILING.loadDeadline().plus(MARGIN)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(FAST_FAILING.callDeadline().plus(MARGIN)) < 0, "took " + took);
        return e;
    }

    private static void assertNoSecret(String text) {
        assertFalse(text.contains(Azurite.ACCOUNT_KEY), text);
        assertFalse(text.contains("AccountKey"), text);
    }
}
