package io.vmssrunnerscaler.busy.queue;

import com.azure.core.credential.TokenCredential;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.busy.Marker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.busy.StoredMarkers;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Busy markers in an Azure Storage queue, one message per busy runner and per waiting job, so that
 * a restarted scaler knows which runners have a job and which jobs wait (ARCHITECTURE.md). Messages never expire (TTL -1) and stay
 * visible; a write presents the latest pop receipt this store was handed and, when another reader
 * made it stale, gets a fresh one ({@link ReceiptRefresher}). Writes for one runner are applied in
 * the order their Unis are subscribed; writes for different runners run concurrently. Call
 * {@link #loadAll()} first on start: a write for a runner whose message this store has not read
 * yet would add a second message (the next load collapses it, but until then a clear misses it).
 *
 * <p>Every call is asynchronous, bounded by {@link QueueStoreSettings#callDeadline()} (loadAll by
 * {@code loadDeadline}) and fails with a {@link QueueStoreException}; the caller re-drives. The
 * queue client is built on first use. Plain Java: the application wires it.
 */
public final class QueueBusyStore implements BusyStore {
    private final QueueStoreSettings settings;
    private final QueueHealth health;
    private final CallPolicy policy;
    private final MessageOps ops;
    private final Receipts receipts = new Receipts();
    private final MarkerCodec codec = new MarkerCodec();
    private final ReceiptRefresher refresher;
    private final MarkerLoader loader;
    private final QueueConnection connection;
    private final KeyedSequencer<MarkerKey> sequencer = new KeyedSequencer<>();

    /** With a storage connection string (account key or Azurite), on the SDK's own Vert.x. */
    public QueueBusyStore(String connectionString, QueueStoreSettings settings) {
        this(QueueAccess.connectionString(connectionString), settings, null);
    }

    /** With the queue service endpoint and a token credential (managed identity), on the SDK's own Vert.x. */
    public QueueBusyStore(String endpoint, TokenCredential credential, QueueStoreSettings settings) {
        this(QueueAccess.credential(endpoint, credential), settings, null);
    }

    /** @param vertx the application's Vert.x for the HTTP client, or null for the SDK's shared one */
    public QueueBusyStore(QueueAccess access, QueueStoreSettings settings, Vertx vertx) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.health = new QueueHealth(Clock.systemUTC());
        this.policy = new CallPolicy(settings, health);
        this.connection = new QueueConnection(Objects.requireNonNull(access, "access"), settings, vertx);
        this.ops = new MessageOps(connection, policy);
        this.refresher = new ReceiptRefresher(ops, receipts, policy, settings.callDeadline());
        this.loader = new MarkerLoader(ops, receipts, refresher, codec, settings);
    }

    @Override
    public Uni<Void> markBusy(BusyMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearBusy(String pool, String runnerName) {
        return clear(new MarkerKey(pool, runnerName));
    }

    @Override
    public Uni<Void> markQueued(QueuedMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearQueued(String pool, long jobId) {
        return clear(new MarkerKey(pool, QueuedMarker.subjectOf(jobId)));
    }

    @Override
    public Uni<Void> markLost(LostMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearLost(String pool, String subject) {
        return clear(new MarkerKey(pool, subject));
    }

    /** Writes the marker, replacing the one of the same subject; in order with the subject's other calls. */
    private Uni<Void> put(Marker marker) {
        MarkerKey key = MarkerKey.of(marker);
        return inOrder(key, () -> upsert(key, marker, codec.encode(marker), 0));
    }

    private Uni<Void> clear(MarkerKey key) {
        return inOrder(key, () -> remove(key, 0));
    }

    @Override
    public Uni<StoredMarkers> loadAll() {
        return Uni.createFrom().completionStage(() -> sequencer.submitExclusive(
                () -> policy.within(settings.loadDeadline(), loader.load().map(StoredMarkers::of)).toFuture()));
    }

    @Override
    public Uni<Void> settle() {
        return Uni.createFrom().completionStage(sequencer::idle);
    }

    /** Not known to be down; read from cached state, for a readiness check. */
    public boolean healthy() {
        return health.status().healthy();
    }

    @Override
    public Optional<String> problem() {
        return healthy() ? Optional.empty() : Optional.of(String.valueOf(status()));
    }

    /** The latest outcome of a request to the queue, with its time and reason. */
    public QueueStatus status() {
        return health.status();
    }

    /**
     * One cheap request (the queue's properties), not retried, to refresh {@link #status()} from a
     * periodic task; never fails, it answers the status.
     */
    public Uni<QueueStatus> probe() {
        Mono<QueueStatus> call = policy.call(() -> connection.attempt(c -> c.getProperties().thenReturn(true)), 0)
                .map(ignored -> health.status())
                .onErrorResume(e -> Mono.just(health.status()));
        return Uni.createFrom().completionStage(call::toFuture);
    }

    private Uni<Void> inOrder(MarkerKey key, Supplier<Mono<Void>> write) {
        return Uni.createFrom().completionStage(() -> sequencer.submit(key,
                () -> policy.within(settings.callDeadline(), Mono.defer(write)).toFuture()));
    }

    /** Sends the first marker of a runner, else replaces its message's text: never a second message. */
    private Mono<Void> upsert(MarkerKey key, Marker marker, String text, int staleRounds) {
        Receipts.Entry held = receipts.get(key);
        if (held == null) {
            return ops.send(text)
                    .doOnNext(r -> receipts.put(key, new Receipts.Entry(r.messageId(), r.popReceipt(), marker)))
                    .then();
        }
        return ops.update(held.messageId(), held.popReceipt(), text).flatMap(result -> switch (result.outcome()) {
            case DONE -> {
                receipts.put(key, new Receipts.Entry(held.messageId(), result.popReceipt(), marker));
                yield Mono.<Void>empty();
            }
            case GONE -> { // deleted behind our back: write it anew
                receipts.remove(key, held.messageId());
                yield upsert(key, marker, text, staleRounds);
            }
            case STALE_RECEIPT -> refreshed(key, held, staleRounds)
                    .then(Mono.defer(() -> upsert(key, marker, text, staleRounds + 1))); // reads the new receipt
        });
    }

    private Mono<Void> remove(MarkerKey key, int staleRounds) {
        Receipts.Entry held = receipts.get(key);
        if (held == null) {
            return Mono.empty(); // absent (or never written by this store since its loadAll): done
        }
        return ops.delete(held.messageId(), held.popReceipt()).flatMap(result -> switch (result.outcome()) {
            case DONE, GONE -> {
                receipts.remove(key, held.messageId());
                yield Mono.<Void>empty();
            }
            case STALE_RECEIPT -> refreshed(key, held, staleRounds)
                    .then(Mono.defer(() -> remove(key, staleRounds + 1)));
        });
    }

    /** Replaces a stale receipt; gives up after a few rounds, as another reader keeps taking it. */
    private Mono<Void> refreshed(MarkerKey key, Receipts.Entry held, int staleRounds) {
        if (staleRounds >= 3) {
            return Mono.error(new QueueStoreException.Transient(
                    "another reader keeps receiving the marker of " + key.subject(), null));
        }
        return refresher.refresh(held.messageId(), held.popReceipt())
                .doOnNext(fresh -> receipts.put(key, held.withReceipt(fresh)))
                .then();
    }
}
