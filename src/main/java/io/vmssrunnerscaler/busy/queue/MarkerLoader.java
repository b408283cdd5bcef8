package io.vmssrunnerscaler.busy.queue;

import io.vmssrunnerscaler.busy.Marker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads every marker in the queue (on start), keeps one message per runner or job and deletes the extras.
 * Duplicates appear when a send succeeded but its answer was lost and the write was re-driven.
 */
final class MarkerLoader {
    private static final Logger LOG = Logger.getLogger(MarkerLoader.class);
    /** Bounds the memory of one load; far above any pool's runner count. */
    static final int MAX_MESSAGES = 100_000;
    /** How often a load waits for markers another reader hides before it makes do without them. */
    static final int HIDDEN_WAITS = 2;
    private static final Comparator<Candidate> NEWEST = Comparator
            .comparing((Candidate c) -> MarkerCodec.since(c.marker()), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(c -> c.message().insertedAt(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(c -> c.message().messageId());

    private record Candidate(MessageOps.Received message, Marker marker) {}

    private final MessageOps ops;
    private final Receipts receipts;
    private final ReceiptRefresher refresher;
    private final MarkerCodec codec;
    private final QueueStoreSettings settings;
    /** A load has completed: the start's read-back is done. Loads are exclusive, never concurrent. */
    private volatile boolean started;

    MarkerLoader(MessageOps ops, Receipts receipts, ReceiptRefresher refresher, MarkerCodec codec,
            QueueStoreSettings settings) {
        this.ops = ops;
        this.receipts = receipts;
        this.refresher = refresher;
        this.codec = codec;
        this.settings = settings;
    }

    /**
     * Every marker: those in the queue, plus any this store wrote that another reader hides now.
     * Exclusive (no writes run meanwhile), so the receipts it records cannot race a write.
     */
    Mono<List<Marker>> load() {
        Map<String, MessageOps.Received> seen = new LinkedHashMap<>();
        int hiddenWaits = started ? 0 : HIDDEN_WAITS;
        return readAll(seen, 0, hiddenWaits).then(Mono.defer(() -> collapse(seen.values())))
                .then(Mono.fromCallable(() -> {
                    started = true;
                    return receipts.markers();
                }));
    }

    /**
     * Reads, then - on the store's first load, at start - compares with the queue's own count:
     * messages it holds that no receive returned are hidden by another reader, a scaler stopped in
     * the middle of its own load whose successor starts within {@code loadVisibility}. Restored
     * without them, a used VM would look fresh, so the load waits for them to come back (at most
     * {@link #HIDDEN_WAITS} times). Later loads (reconcile passes) have no predecessor to wait for.
     */
    private Mono<Void> readAll(Map<String, MessageOps.Received> seen, int expected, int waitsLeft) {
        if (waitsLeft == 0) {
            return readFrom(seen, expected);
        }
        return readFrom(seen, expected).then(ops.count()).flatMap(count -> {
            if (count <= seen.size()) {
                return Mono.<Void>empty();
            }
            LOG.infof("busy queue %s: %d message(s) hidden by another reader; reading again in %s", settings.queueName(),
                    count - seen.size(), settings.loadVisibility());
            return Mono.delay(settings.loadVisibility()).then(readAll(seen, count, waitsLeft - 1));
        });
    }

    /**
     * Receives batch after batch until the queue has nothing visible left. A message comes back
     * once {@code loadVisibility} has passed; the queue returns the longest-visible messages first,
     * so a batch with nothing new means every message has been seen - once {@code expected} have
     * been (a re-read first meets the ones it read before), or when nothing visible is left.
     */
    private Mono<Void> readFrom(Map<String, MessageOps.Received> seen, int expected) {
        return ops.receive(settings.loadVisibility()).flatMap(batch -> {
            int fresh = 0;
            for (MessageOps.Received m : batch) {
                receipts.received(m.messageId(), m.popReceipt());
                fresh += seen.put(m.messageId(), m) == null ? 1 : 0;
            }
            if (batch.isEmpty() || fresh == 0 && seen.size() >= expected) {
                return Mono.empty();
            }
            if (seen.size() > MAX_MESSAGES) {
                return Mono.error(new QueueStoreException.Rejected(
                        "the busy queue holds more than " + MAX_MESSAGES + " messages", null));
            }
            return readFrom(seen, expected);
        });
    }

    private Mono<Void> collapse(Iterable<MessageOps.Received> messages) {
        Map<MarkerKey, List<Candidate>> byRunner = new HashMap<>();
        int foreign = 0;
        for (MessageOps.Received m : messages) {
            Optional<Marker> marker = codec.decode(m.text());
            if (marker.isEmpty()) {
                foreign++;
                continue;
            }
            byRunner.computeIfAbsent(MarkerKey.of(marker.get()), k -> new ArrayList<>()).add(new Candidate(m, marker.get()));
        }
        if (foreign > 0) {
            LOG.warnf("busy queue %s: %d message(s) are not busy markers; left alone", settings.queueName(), foreign);
        }
        List<MessageOps.Received> extras = new ArrayList<>();
        List<MessageOps.Received> kept = new ArrayList<>();
        byRunner.forEach((key, candidates) -> {
            // The message this store already writes to wins (its receipt is current); else the newest.
            Receipts.Entry held = receipts.get(key);
            String keep = held != null ? held.messageId() : adopt(key, candidates);
            for (Candidate c : candidates) {
                (c.message().messageId().equals(keep) ? kept : extras).add(c.message());
            }
        });
        return Flux.concat(Flux.fromIterable(extras).flatMap(this::deleteExtra, 8),
                Flux.fromIterable(kept).flatMap(this::reveal, 8)).then();
    }

    private String adopt(MarkerKey key, List<Candidate> candidates) {
        Candidate newest = candidates.stream().max(NEWEST).orElseThrow();
        receipts.put(key, new Receipts.Entry(newest.message().messageId(), newest.message().popReceipt(),
                newest.marker()));
        return newest.message().messageId();
    }

    /**
     * Makes a kept marker visible again at once (same text, visibility 0): a scaler restarted right
     * after this load must see it, not find it hidden and take the runner for idle. Best effort:
     * otherwise it reappears when {@code loadVisibility} ends.
     */
    private Mono<Void> reveal(MessageOps.Received kept) {
        String receipt = receipts.receiptOf(kept.messageId());
        return ops.update(kept.messageId(), receipt == null ? kept.popReceipt() : receipt, kept.text())
                .doOnNext(r -> {
                    if (r.outcome() == MessageOps.Outcome.DONE) {
                        receipts.received(kept.messageId(), r.popReceipt());
                    }
                })
                .then()
                .onErrorResume(e -> {
                    LOG.debugf("busy queue %s: a marker stays hidden until its visibility timeout (%s)",
                            settings.queueName(), e.getMessage());
                    return Mono.empty();
                });
    }

    /** Best effort: an extra that stays is collapsed again by the next load. */
    private Mono<Void> deleteExtra(MessageOps.Received extra) {
        return ops.delete(extra.messageId(), extra.popReceipt())
                .flatMap(r -> r.outcome() != MessageOps.Outcome.STALE_RECEIPT ? Mono.<Void>empty()
                        : refresher.refresh(extra.messageId(), extra.popReceipt())
                                .flatMap(fresh -> ops.delete(extra.messageId(), fresh)).then())
                .onErrorResume(e -> {
                    LOG.warnf("busy queue %s: could not delete a duplicate marker (%s)", settings.queueName(),
                            e.getMessage());
                    return Mono.empty();
                });
    }
}
