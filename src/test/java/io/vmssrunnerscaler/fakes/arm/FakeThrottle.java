package io.vmssrunnerscaler.fakes.arm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Token buckets per scale set, policy and window (the short {@code 3Min} and long {@code 30Min}
 * one), refilled continuously. A call is admitted when every window of its policy holds at least
 * one token, and then costs its charge in each, which may leave a window in debt (a batch larger
 * than the bucket still goes through once, and the bucket pays it back by refilling), as a token
 * bucket charged after the fact does. Not thread-safe: FakeArm locks.
 */
final class FakeThrottle {
    /** The two windows Compute reports per policy. */
    enum Window {
        SHORT("3Min"), LONG("30Min");

        final String suffix;

        Window(String suffix) {
            this.suffix = suffix;
        }
    }

    private final Map<FakeBucket, FakeBucket.Limit> shortLimits;
    private final Map<FakeBucket, FakeBucket.Limit> longLimits;
    private final Clock clock;
    private final Map<String, double[]> buckets = new HashMap<>(); // key -> [tokens, updatedNanos]
    private final Instant origin;

    FakeThrottle(Map<FakeBucket, FakeBucket.Limit> shortLimits, Map<FakeBucket, FakeBucket.Limit> longLimits, Clock clock) {
        this.shortLimits = shortLimits;
        this.longLimits = longLimits;
        this.clock = clock;
        this.origin = clock.instant();
    }

    /** Takes {@code charge} tokens of each window; empty if taken, else the Retry-After to answer (whole seconds, at least 1). */
    Optional<Duration> take(String scaleSet, FakeBucket bucket, int charge) {
        Duration wait = Duration.ZERO;
        for (Window w : Window.values()) {
            double[] b = refilled(scaleSet, bucket, w);
            if (b[0] < 1) {
                FakeBucket.Limit limit = limit(bucket, w);
                double nanosPerToken = (double) limit.period().toNanos() / limit.refill();
                Duration until = Duration.ofNanos((long) Math.ceil((1 - b[0]) * nanosPerToken));
                wait = until.compareTo(wait) > 0 ? until : wait;
            }
        }
        if (!wait.isZero()) {
            return Optional.of(Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000)));
        }
        for (Window w : Window.values()) {
            refilled(scaleSet, bucket, w)[0] -= charge;
        }
        return Optional.empty();
    }

    /** What another caller of the same scale set takes: whole tokens, at most {@code n}, as many as every window has. */
    int spend(String scaleSet, FakeBucket bucket, int n) {
        int possible = n;
        for (Window w : Window.values()) {
            possible = Math.min(possible, remaining(scaleSet, bucket, w));
        }
        for (Window w : Window.values()) {
            refilled(scaleSet, bucket, w)[0] -= possible;
        }
        return possible;
    }

    /** Whole tokens left in this window, as reported in x-ms-ratelimit-remaining-resource (0 when in debt). */
    int remaining(String scaleSet, FakeBucket bucket, Window window) {
        return (int) Math.max(0, Math.floor(refilled(scaleSet, bucket, window)[0]));
    }

    private FakeBucket.Limit limit(FakeBucket bucket, Window w) {
        return (w == Window.SHORT ? shortLimits : longLimits).get(bucket);
    }

    private double[] refilled(String scaleSet, FakeBucket bucket, Window window) {
        FakeBucket.Limit limit = limit(bucket, window);
        long now = Duration.between(origin, clock.instant()).toNanos();
        double[] b = buckets.computeIfAbsent(scaleSet + "|" + bucket + "|" + window, k -> new double[] {limit.bucket(), now});
        double perNano = (double) limit.refill() / limit.period().toNanos();
        b[0] = Math.min(limit.bucket(), b[0] + (now - b[1]) * perNano);
        b[1] = now;
        return b;
    }
}
