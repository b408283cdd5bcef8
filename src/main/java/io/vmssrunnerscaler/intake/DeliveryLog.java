package io.vmssrunnerscaler.intake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Remembers webhook delivery ids, bounded in count and time, so that a redelivery (which keeps
 * its id) is answered without acting twice.
 */
public final class DeliveryLog {
    private final Cache<String, Boolean> seen;

    public DeliveryLog(int maxSize, Duration ttl) {
        this.seen = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).build();
    }

    /** Records the id; false when it was already there. */
    public boolean firstTime(String deliveryId) {
        return seen.asMap().putIfAbsent(deliveryId, Boolean.TRUE) == null;
    }

    /** Forgets the id, so that a redelivery of something not acted on is accepted. */
    public void forget(String deliveryId) {
        seen.invalidate(deliveryId);
    }

    /** How many ids are remembered, once pending evictions are done: never more than the maximum size. */
    public long size() {
        seen.cleanUp();
        return seen.estimatedSize();
    }
}
