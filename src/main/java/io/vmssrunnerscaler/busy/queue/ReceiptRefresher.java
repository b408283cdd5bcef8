package io.vmssrunnerscaler.busy.queue;

import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Gets a fresh pop receipt for a message after the service refused a stale one (another reader -
 * a restarted scaler's loadAll, say - received it since). The only way to a new receipt is to
 * receive the message again, so this receives until it comes by, recording every receipt it is
 * handed. While someone else keeps the message hidden it polls, within the call's deadline.
 */
final class ReceiptRefresher {
    /** The shortest the queue allows: other messages this receive hides come back quickly. */
    static final Duration HIDE = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(250);

    private final MessageOps ops;
    private final Receipts receipts;
    private final CallPolicy policy;
    private final Duration deadline;

    ReceiptRefresher(MessageOps ops, Receipts receipts, CallPolicy policy, Duration deadline) {
        this.ops = ops;
        this.receipts = receipts;
        this.policy = policy;
        this.deadline = deadline;
    }

    /** A receipt newer than {@code stale} for the message. */
    Mono<String> refresh(String messageId, String stale) {
        return policy.within(deadline, search(messageId, stale));
    }

    private Mono<String> search(String messageId, String stale) {
        return Mono.defer(() -> {
            // A concurrent receive of this store (another runner's refresh) may have got it already.
            String known = receipts.receiptOf(messageId);
            if (known != null && !known.equals(stale)) {
                return Mono.just(known);
            }
            return ops.receive(HIDE).flatMap(batch -> {
                batch.forEach(m -> receipts.received(m.messageId(), m.popReceipt()));
                String found = receiptIn(batch, messageId);
                if (found != null) {
                    return Mono.just(found);
                }
                // Nothing visible: the message is hidden by another reader until its timeout ends.
                Mono<Long> pause = batch.isEmpty() ? Mono.delay(POLL) : Mono.just(0L);
                return pause.then(search(messageId, stale));
            });
        });
    }

    private static String receiptIn(List<MessageOps.Received> batch, String messageId) {
        for (MessageOps.Received m : batch) {
            if (m.messageId().equals(messageId)) {
                return m.popReceipt();
            }
        }
        return null;
    }
}
