package io.vmssrunnerscaler.busy.queue;

import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Queues, stores and markers for the tests against Azurite; the raw client looks behind the store. */
final class QueueFixture {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger QUEUES = new AtomicInteger();

    private QueueFixture() {
    }

    /** Each test its own queue, so tests sharing one Azurite cannot see each other's markers. */
    static String uniqueQueueName() {
        return "busy-" + ProcessHandle.current().pid() + "-" + QUEUES.incrementAndGet();
    }

    /** Fast settings: loadAll hides for the minimum 1 s, a call gives up after 5 s. */
    static QueueStoreSettings settings(String queueName) {
        return new QueueStoreSettings(queueName, Duration.ofSeconds(2), 3, Duration.ofMillis(50),
                Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1));
    }

    /**
     * One call with lenient settings, so that loading the SDK, Vert.x and Azurite's first answer
     * (seconds on a busy machine) do not count against the short deadlines of the first test.
     */
    static void warmUp(Azurite azurite) {
        await(new QueueBusyStore(azurite.connectionString(), QueueStoreSettings.defaults("warm-up")).loadAll());
    }

    static QueueBusyStore store(Azurite azurite, String queueName) {
        return new QueueBusyStore(azurite.connectionString(), settings(queueName));
    }

    /** A plain client on the same queue (created), to inspect and to interfere. */
    static QueueClient rawClient(Azurite azurite, String queueName) {
        QueueClient client = new QueueClientBuilder()
                .connectionString(azurite.connectionString())
                .queueName(queueName)
                .httpClient(new VertxHttpClientBuilder().build())
                .buildClient();
        client.createIfNotExists();
        return client;
    }

    static BusyMarker marker(String runner, long jobId) {
        return marker("linux", runner, jobId, T0.plusSeconds(jobId));
    }

    static BusyMarker marker(String pool, String runner, long jobId, Instant since) {
        return new BusyMarker(pool, runner, "i-" + runner, jobId, since);
    }

    /** All messages, hidden ones included (Azurite's count is exact). */
    static int messageCount(QueueClient raw) {
        return raw.getProperties().getApproximateMessagesCount();
    }

    static List<PeekedMessageItem> peekAll(QueueClient raw) {
        return raw.peekMessages(32, WAIT, Context.NONE).stream().toList();
    }

    static void sendRaw(QueueClient raw, String text) {
        raw.sendMessageWithResponse(BinaryData.fromString(text), Duration.ZERO, MessageOps.NEVER, WAIT, Context.NONE);
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }
}
