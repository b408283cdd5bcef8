package io.vmssrunnerscaler.busy.queue;

import com.azure.core.util.BinaryData;
import com.azure.storage.queue.models.QueueErrorCode;
import com.azure.storage.queue.models.QueueMessageItem;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The five queue requests the store makes, each under {@link CallPolicy}. The two expected
 * refusals of a write - the message is gone, or the pop receipt is stale - are outcomes, not
 * errors, and recognised by the service's error code.
 */
final class MessageOps {
    /** Time-to-live -1: the marker never expires while its job runs, however long that is. */
    static final Duration NEVER = Duration.ofSeconds(-1);

    /** A message just written or received, with the pop receipt that request handed out. */
    record Receipt(String messageId, String popReceipt) {}

    /** A received message. */
    record Received(String messageId, String popReceipt, OffsetDateTime insertedAt, String text) {}

    enum Outcome { DONE, GONE, STALE_RECEIPT }

    /** The result of an update or delete; {@code popReceipt} is the new one after an update. */
    record WriteResult(Outcome outcome, String popReceipt) {}

    private final QueueConnection connection;
    private final CallPolicy policy;

    MessageOps(QueueConnection connection, CallPolicy policy) {
        this.connection = connection;
        this.policy = policy;
    }

    Mono<Receipt> send(String text) {
        return policy.call(() -> connection.attempt(
                c -> c.sendMessageWithResponse(BinaryData.fromString(text), Duration.ZERO, NEVER)
                        .map(r -> new Receipt(r.getValue().getMessageId(), r.getValue().getPopReceipt()))));
    }

    /** Replaces the message's text and keeps it visible (a restart must see it). */
    Mono<WriteResult> update(String messageId, String popReceipt, String text) {
        return policy.call(() -> connection.attempt(
                c -> c.updateMessage(messageId, popReceipt, text, Duration.ZERO)
                        .map(r -> new WriteResult(Outcome.DONE, r.getPopReceipt()))
                        .onErrorResume(MessageOps::expected, e -> Mono.just(refusal(e)))));
    }

    Mono<WriteResult> delete(String messageId, String popReceipt) {
        return policy.call(() -> connection.attempt(
                c -> c.deleteMessage(messageId, popReceipt)
                        .thenReturn(new WriteResult(Outcome.DONE, null))
                        .onErrorResume(MessageOps::expected, e -> Mono.just(refusal(e)))));
    }

    /** How many messages the queue holds, hidden ones included (approximate at Azure, exact in Azurite). */
    Mono<Integer> count() {
        return policy.call(() -> connection.attempt(c -> c.getProperties().map(p -> p.getApproximateMessagesCount())));
    }

    /** Up to 32 visible messages, hidden from other readers for {@code visibility}. */
    Mono<List<Received>> receive(Duration visibility) {
        return policy.call(() -> connection.attempt(
                c -> c.receiveMessages(32, visibility).map(MessageOps::received).collectList()));
    }

    private static Received received(QueueMessageItem item) {
        String text = item.getBody() == null ? "" : item.getBody().toString();
        return new Received(item.getMessageId(), item.getPopReceipt(), item.getInsertionTime(), text);
    }

    private static boolean expected(Throwable e) {
        return QueueErrors.hasCode(e, QueueErrorCode.MESSAGE_NOT_FOUND)
                || QueueErrors.hasCode(e, QueueErrorCode.POP_RECEIPT_MISMATCH);
    }

    private static WriteResult refusal(Throwable e) {
        return QueueErrors.hasCode(e, QueueErrorCode.MESSAGE_NOT_FOUND)
                ? new WriteResult(Outcome.GONE, null)
                : new WriteResult(Outcome.STALE_RECEIPT, null);
    }
}
