package io.vmssrunnerscaler.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated Azure's count of scale-set calls per throttling bucket, and, once enforced, Azure's
 * per-scale-set token buckets: full at the first call, refilled continuously, a call without a
 * token answered like Azure's 429 with a Retry-After (whole seconds, at least 1). Off by default,
 * so the simulator only counts. A throttled call takes no token. Thread-safe.
 */
public final class SimThrottling {
    private static final long NANOS_PER_MINUTE = Duration.ofMinutes(1).toNanos();

    private record Key(String scaleSet, ArmBucket bucket) {}

    private static final class Bucket {
        double tokens;
        Instant updated;
        long calls;
        long throttled;
    }

    private final Map<Key, Bucket> buckets = new HashMap<>();
    private boolean enforced;

    /** Turns Azure's limits on (or off) for the calls that follow. */
    public synchronized SimThrottling enforce(boolean on) {
        this.enforced = on;
        return this;
    }

    public synchronized boolean enforced() {
        return enforced;
    }

    /**
     * Charges one call to {@code bucket} of {@code scaleSet} at {@code now}: empty when it may go
     * ahead (always, unless enforced), else the Retry-After to answer.
     */
    public synchronized Optional<Duration> take(String scaleSet, ArmBucket bucket, Instant now) {
        Bucket b = refilled(scaleSet, bucket, now);
        if (!enforced || b.tokens >= 1) {
            b.tokens = Math.max(0, b.tokens - 1);
            b.calls++;
            return Optional.empty();
        }
        b.throttled++;
        double nanos = (1 - b.tokens) * NANOS_PER_MINUTE / bucket.refillPerMinute();
        // less a nanosecond of rounding noise: 5.0000001 s is 5 s, not 6
        return Optional.of(Duration.ofSeconds(Math.max(1, (long) Math.ceil(nanos / 1e9 - 1e-6))));
    }

    /** Calls accepted (not throttled) in this bucket of this scale set. */
    public synchronized long calls(String scaleSet, ArmBucket bucket) {
        Bucket b = buckets.get(new Key(scaleSet, bucket));
        return b == null ? 0 : b.calls;
    }

    /** Calls answered 429 in this bucket of this scale set. */
    public synchronized long throttled(String scaleSet, ArmBucket bucket) {
        Bucket b = buckets.get(new Key(scaleSet, bucket));
        return b == null ? 0 : b.throttled;
    }

    /** Whole tokens left now (the bucket's size when nothing was called yet). */
    public synchronized int remaining(String scaleSet, ArmBucket bucket, Instant now) {
        return (int) Math.floor(refilled(scaleSet, bucket, now).tokens);
    }

    private Bucket refilled(String scaleSet, ArmBucket bucket, Instant now) {
        Bucket b = buckets.computeIfAbsent(new Key(scaleSet, bucket), k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = bucket.bucket();
            fresh.updated = now;
            return fresh;
        });
        long elapsed = Math.max(0, Duration.between(b.updated, now).toNanos());
        b.tokens = Math.min(bucket.bucket(), b.tokens + (double) elapsed * bucket.refillPerMinute() / NANOS_PER_MINUTE);
        if (now.isAfter(b.updated)) {
            b.updated = now;
        }
        return b;
    }

    /** Per bucket: accepted calls and 429s of one scale set, for reports. */
    public synchronized Map<ArmBucket, long[]> counts(String scaleSet) {
        Map<ArmBucket, long[]> counts = new EnumMap<>(ArmBucket.class);
        for (ArmBucket bucket : ArmBucket.values()) {
            Bucket b = buckets.get(new Key(scaleSet, bucket));
            counts.put(bucket, new long[] {b == null ? 0 : b.calls, b == null ? 0 : b.throttled});
        }
        return counts;
    }
}
