package io.vmssrunnerscaler.fakes.arm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Token buckets per scale set and policy, refilled continuously, as Compute does. Not thread-safe: FakeArm locks. */
final class FakeThrottle {
    private final Map<FakeBucket, FakeBucket.Limit> limits;
    private final Clock clock;
    private final Map<String, Map<FakeBucket, double[]>> buckets = new HashMap<>(); // [tokens, updatedNanos]
    private final Instant origin;

    FakeThrottle(Map<FakeBucket, FakeBucket.Limit> limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.origin = clock.instant();
    }

    /** Takes a token; empty if taken, else the Retry-After to answer (whole seconds, at least 1). */
    Optional<Duration> take(String scaleSet, FakeBucket bucket) {
        double[] b = refilled(scaleSet, bucket);
        if (b[0] >= 1) {
            b[0] -= 1;
            return Optional.empty();
        }
        FakeBucket.Limit limit = limits.get(bucket);
        double nanosPerToken = (double) limit.period().toNanos() / limit.refill();
        double seconds = (1 - b[0]) * nanosPerToken / 1e9;
        return Optional.of(Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds))));
    }

    /** Whole tokens left, as reported in x-ms-ratelimit-remaining-resource. */
    int remaining(String scaleSet, FakeBucket bucket) {
        return (int) Math.floor(refilled(scaleSet, bucket)[0]);
    }

    private double[] refilled(String scaleSet, FakeBucket bucket) {
        FakeBucket.Limit limit = limits.get(bucket);
        long now = Duration.between(origin, clock.instant()).toNanos();
        double[] b = buckets.computeIfAbsent(scaleSet, k -> new EnumMap<>(FakeBucket.class))
                .computeIfAbsent(bucket, k -> new double[] {limit.bucket(), now});
        double perNano = (double) limit.refill() / limit.period().toNanos();
        b[0] = Math.min(limit.bucket(), b[0] + (now - b[1]) * perNano);
        b[1] = now;
        return b;
    }
}
