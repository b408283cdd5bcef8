package io.vmssrunnerscaler.busy.queue;

import static io.vmssrunnerscaler.busy.queue.QueueFixture.T0;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.WAIT;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.await;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.marker;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.messageCount;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.peekAll;
import static io.vmssrunnerscaler.busy.queue.QueueFixture.sendRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.busy.StoredMarkers;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The queue-backed busy store against the real Azurite: one message per busy runner, always. */
class QueueBusyStoreTest {
    private static Azurite azurite;
    private String queue;
    private QueueClient raw;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.inMemory();
        QueueFixture.warmUp(azurite);
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @BeforeEach
    void newQueue() {
        queue = QueueFixture.uniqueQueueName();
        raw = QueueFixture.rawClient(azurite, queue);
    }

    private QueueBusyStore store() {
        return QueueFixture.store(azurite, queue);
    }

    private Set<BusyMarker> loadedByAFreshStore() {
        return Set.copyOf(await(store().loadAll()).busy());
    }

    @Test
    void aRestartedStoreRebuildsTheSameBusySet() {
        QueueBusyStore first = store();
        BusyMarker a = marker("linux", "vm-a", 1, T0);
        BusyMarker b = marker("windows", "vm-a", 2, T0.plusSeconds(5)); // same name, other pool
        await(first.markBusy(a));
        await(first.markBusy(b));

        assertEquals(Set.of(a, b), loadedByAFreshStore());
        assertEquals(Set.of(a, b), Set.copyOf(await(first.loadAll()).busy()));
    }

    @Test
    void markingABusyRunnerAgainReplacesItsMarker() {
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-a", 1)));
        await(store.markBusy(marker("vm-a", 2)));

        assertEquals(1, messageCount(raw));
        assertEquals(Set.of(marker("vm-a", 2)), loadedByAFreshStore());
    }

    @Test
    void clearingRemovesTheMarkerAndClearingAnAbsentRunnerSucceeds() {
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-a", 1)));
        await(store.markBusy(marker("vm-b", 2)));

        await(store.clearBusy("linux", "vm-a"));
        await(store.clearBusy("linux", "vm-a"));
        await(store.clearBusy("linux", "never-busy"));

        assertEquals(1, messageCount(raw));
        assertEquals(Set.of(marker("vm-b", 2)), loadedByAFreshStore());
    }

    @Test
    void writesForOneRunnerAreAppliedInTheOrderTheyWereMade() {
        QueueBusyStore store = store();
        // All subscribed at once: without ordering, both marks would send a message.
        List<Uni<Void>> writes = List.of(store.markBusy(marker("vm-a", 1)), store.markBusy(marker("vm-a", 2)),
                store.clearBusy("linux", "vm-a"), store.markBusy(marker("vm-a", 3)),
                store.markBusy(marker("vm-b", 4)), store.clearBusy("linux", "vm-b"));
        await(Uni.join().all(writes).andFailFast());

        assertEquals(1, messageCount(raw));
        assertEquals(Set.of(marker("vm-a", 3)), loadedByAFreshStore());
    }

    @Test
    void aMarkerNeverExpires() {
        await(store().markBusy(marker("vm-a", 1)));

        PeekedMessageItem message = peekAll(raw).get(0);
        assertEquals(9999, message.getExpirationTime().getYear(), "expiry " + message.getExpirationTime());
    }

    @Test
    void duplicateMarkersOfOneRunnerCollapseToTheNewest() {
        MarkerCodec codec = new MarkerCodec();
        BusyMarker newest = marker("linux", "vm-a", 2, T0.plusSeconds(60));
        sendRaw(raw, codec.encode(marker("linux", "vm-a", 1, T0)));
        sendRaw(raw, codec.encode(newest));
        sendRaw(raw, codec.encode(marker("linux", "vm-a", 1, T0.plusSeconds(30))));
        sendRaw(raw, codec.encode(marker("vm-b", 3)));

        QueueBusyStore store = store();
        assertEquals(Set.of(newest, marker("vm-b", 3)), Set.copyOf(await(store.loadAll()).busy()));
        assertEquals(2, messageCount(raw));
        // Kept markers are visible again at once: a scaler restarted right now sees them all.
        assertEquals(Set.of(newest, marker("vm-b", 3)), loadedByAFreshStore());
        // And the store still writes to the message it kept.
        await(store.markBusy(marker("vm-a", 5)));
        assertEquals(2, messageCount(raw));
    }

    @Test
    void aPopReceiptMadeStaleByAnotherReaderIsRefreshed() {
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-a", 1)));
        await(store().loadAll()); // another scaler's start: it receives the message, our receipt goes stale

        await(store.markBusy(marker("vm-a", 2)));
        assertEquals(1, messageCount(raw));
        assertEquals(Set.of(marker("vm-a", 2)), loadedByAFreshStore()); // stale again now

        await(store.clearBusy("linux", "vm-a"));
        assertEquals(0, messageCount(raw));
    }

    @Test
    void aMarkerHiddenByAnotherReaderIsClearedOnceItIsVisibleAgain() {
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-a", 1)));
        raw.receiveMessages(32, Duration.ofSeconds(1), WAIT, Context.NONE).forEach(m -> { });

        await(store.clearBusy("linux", "vm-a"));

        assertEquals(0, messageCount(raw));
    }

    @Test
    void aLoadRightAfterAnotherReaderHidTheMarkersWaitsForThemToComeBack() {
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-a", 1)));
        await(store.markBusy(marker("vm-b", 2)));
        // A scaler stopped in the middle of its own load: its receive hides every marker for a while.
        assertEquals(2, raw.receiveMessages(32, Duration.ofSeconds(1), WAIT, Context.NONE).stream().count());

        assertEquals(Set.of(marker("vm-a", 1), marker("vm-b", 2)), loadedByAFreshStore(),
                "a restart must not take the used VMs for fresh ones");
        assertEquals(2, messageCount(raw));
    }

    @Test
    void loadAllReadsBatchAfterBatch() {
        QueueBusyStore store = store();
        List<BusyMarker> many = IntStream.range(0, 75).mapToObj(i -> marker("vm-" + i, i)).toList();
        await(Uni.join().all(many.stream().map(store::markBusy).toList()).andFailFast());

        assertEquals(Set.copyOf(many), loadedByAFreshStore());
        assertEquals(75, messageCount(raw));
    }

    @Test
    void waitingJobsAreKeptBesideBusyRunnersAndSurviveARestart() {
        QueueBusyStore store = store();
        QueuedMarker waiting = new QueuedMarker("linux", 77, "octo-org/app", T0);
        QueuedMarker other = new QueuedMarker("linux", 78, "octo-org/app", T0.plusSeconds(1));
        await(store.markBusy(marker("vm-a", 1)));
        await(store.markQueued(waiting));
        await(store.markQueued(other));
        await(store.markQueued(waiting)); // an upsert, not a second message

        StoredMarkers restarted = await(store().loadAll());
        assertEquals(Set.of(marker("vm-a", 1)), Set.copyOf(restarted.busy()));
        assertEquals(Set.of(waiting, other), Set.copyOf(restarted.queued()));
        assertEquals(3, messageCount(raw));

        QueueBusyStore second = store();
        await(second.loadAll());
        await(second.clearQueued("linux", 77));
        assertEquals(Set.of(other), Set.copyOf(await(store().loadAll()).queued()));
        assertEquals(2, messageCount(raw));
    }

    @Test
    void aBusyMarkerOfTheFirstFormatStillLoads() {
        sendRaw(raw, "{\"v\":1,\"pool\":\"linux\",\"runner\":\"vm-a\",\"instanceId\":\"i-vm-a\",\"jobId\":1,"
                + "\"since\":\"" + T0.plusSeconds(1) + "\"}");
        assertEquals(Set.of(marker("vm-a", 1)), loadedByAFreshStore());
    }

    @Test
    void messagesThatAreNotMarkersAreLeftAlone() {
        sendRaw(raw, "not json");
        sendRaw(raw, "{\"v\":99,\"pool\":\"linux\",\"runner\":\"vm-a\"}");
        QueueBusyStore store = store();
        await(store.markBusy(marker("vm-b", 1)));

        assertEquals(Set.of(marker("vm-b", 1)), loadedByAFreshStore());
        assertEquals(3, messageCount(raw));
    }

    @Test
    void loadAllOnAMissingQueueCreatesItAndFindsNothing() {
        String missing = QueueFixture.uniqueQueueName();
        QueueBusyStore store = QueueFixture.store(azurite, missing);

        assertEquals(List.of(), await(store.loadAll()).busy());
        assertEquals(0, messageCount(QueueFixture.rawClient(azurite, missing)));
        assertTrue(store.healthy());
        assertEquals(QueueStatus.State.UP, store.status().state());
    }

    @Test
    void theMarkerHoldsPoolRunnerInstanceJobAndStart() throws Exception {
        await(store().markBusy(new BusyMarker("linux", "vm-a", "17", 4242L, T0)));

        JsonNode json = new ObjectMapper().readTree(peekAll(raw).get(0).getBody().toString());
        assertEquals("linux", json.get("pool").asText());
        assertEquals("vm-a", json.get("runner").asText());
        assertEquals("17", json.get("instanceId").asText());
        assertEquals(4242L, json.get("jobId").asLong());
        assertEquals("2025-03-01T10:00:00Z", json.get("since").asText());
    }
}
