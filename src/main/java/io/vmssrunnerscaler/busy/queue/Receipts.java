package io.vmssrunnerscaler.busy.queue;

import io.vmssrunnerscaler.busy.Marker;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which message holds each marker (a busy runner's or a waiting job's), with the latest pop receipt known for it. Any receive
 * hands out new receipts for every message it returns, so each one is recorded here at once;
 * otherwise the next write to such a runner would present a stale receipt.
 */
final class Receipts {

    /** A runner's marker as stored: the message and its latest pop receipt. */
    record Entry(String messageId, String popReceipt, Marker marker) {
        Entry withReceipt(String receipt) {
            return new Entry(messageId, receipt, marker);
        }
    }

    private final ConcurrentMap<MarkerKey, Entry> byRunner = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, MarkerKey> byMessage = new ConcurrentHashMap<>();

    Entry get(MarkerKey key) {
        return byRunner.get(key);
    }

    void put(MarkerKey key, Entry entry) {
        Entry previous = byRunner.put(key, entry);
        if (previous != null && !previous.messageId().equals(entry.messageId())) {
            byMessage.remove(previous.messageId(), key);
        }
        byMessage.put(entry.messageId(), key);
    }

    /** Forgets the runner's marker if it is still held by this message. */
    void remove(MarkerKey key, String messageId) {
        byRunner.computeIfPresent(key, (k, e) -> e.messageId().equals(messageId) ? null : e);
        byMessage.remove(messageId, key);
    }

    /** Records a receipt a receive handed out; messages this store does not hold are ignored. */
    void received(String messageId, String popReceipt) {
        MarkerKey key = byMessage.get(messageId);
        if (key != null) {
            byRunner.computeIfPresent(key, (k, e) -> e.messageId().equals(messageId) ? e.withReceipt(popReceipt) : e);
        }
    }

    /** The latest receipt known for a message this store holds, or null. */
    String receiptOf(String messageId) {
        MarkerKey key = byMessage.get(messageId);
        Entry entry = key == null ? null : byRunner.get(key);
        return entry != null && entry.messageId().equals(messageId) ? entry.popReceipt() : null;
    }

    List<Marker> markers() {
        return byRunner.values().stream().map(Entry::marker).toList();
    }
}
