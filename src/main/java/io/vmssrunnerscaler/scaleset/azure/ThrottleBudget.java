package io.vmssrunnerscaler.scaleset.azure;

import io.vmssrunnerscaler.engine.CallAllowance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The local copy of Azure's per-scale-set token buckets, so that calls wait for budget instead of
 * being throttled (a 429 from Compute can carry a Retry-After of 20 minutes).
 *
 * <p>Each bucket is kept as a GCRA schedule (one "theoretical arrival time"), which is equivalent
 * to a token bucket with continuous refill but lets a caller <em>reserve</em> the next free token:
 * concurrent callers queue in order and each learns how long it must wait.
 *
 * <p>Requests reach Azure some time after their token was reserved, and not always in that order
 * (a new TLS connection, a busy connection pool). Two margins absorb that: {@code headroom} tokens
 * of each bucket are never handed out, and a caller that has to wait is spaced by an extra
 * {@code guard}. Against Azure's 6-15 s refill intervals one token and half a second cost little.
 * <p>Azure's own figures correct the local copy ({@link #follow}): after every answer the local
 * count of a bucket is at most what Azure reports as remaining, and a call Azure charged more than
 * one token (a batch) costs its extra tokens here too. The local count is only ever lowered by
 * them, never raised: another caller spending the same scale set's budget (a co-tenant, a person
 * in the portal) shows up as Azure reporting fewer tokens than expected.
 *
 * <p>Which window: Compute reports each policy in a short window ({@code ...3Min}) and a long one
 * ({@code ...30Min}). The documented per-scale-set bucket (e.g. 12, refilled 4 a minute, so empty
 * to full in 3 minutes) is the short window, and that figure is what the local bucket models. A
 * 30-minute window over such a bucket allows at most 12 + 30 x 4 = 132 calls, far above the 12
 * the short bucket can ever hold, so for a caller that honours the short bucket the long figure
 * is only informative. It is still applied the same way, as a cap ("at most this many now"),
 * because it is equally true: when a co-tenant has spent the long window down below the local
 * count, sending more than that is a certain 429. Its slower refill is not modelled (Azure does not
 * document it); every later answer reports it again, and a 429 blocks the bucket until its
 * Retry-After. Figures in flight are not matched to calls: a call reserved locally but not yet
 * seen by Azure is counted by both, which errs towards waiting.
 *
 * <p>Thread-safe; time comes from the injected clock only.
 */
public final class ThrottleBudget {
    private final LongAdder[] waits = adders();
    private final LongAdder[] waitNanos = adders();
    private final LongAdder[] throttledCalls = adders();
    private final LongAdder[] lowered = adders();
    private final LongAdder[] extraCharged = adders();

    /** A bucket: {@code bucket} tokens at most, {@code refill} new tokens every {@code period}. */
    public record Limit(int bucket, int refill, Duration period) {
        public Limit {
            if (bucket < 1 || refill < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("bucket and refill must be >= 1 and period > 0: " + this);
            }
        }

        long intervalNanos() {
            return period.toNanos() / refill;
        }
    }

    private final Clock clock;
    private final Instant origin;
    private final Map<ArmPolicy, Limit> limits;
    private final long guardNanos;
    private final int headroom;
    private final Map<String, long[]> schedules = new HashMap<>(); // key -> per-policy arrival times

    /**
     * Azure's documented limits (docs/PROTOCOLS.md, "Azure throttling"), one token of headroom and a
     * guard of 500 ms.
     */
    public static ThrottleBudget azure(Clock clock) {
        return azure(clock, Duration.ofMinutes(1));
    }

    /**
     * Azure's documented buckets, refilled by their documented counts every {@code period} instead
     * of every minute: for tests against a fake Resource Manager scaled down the same way.
     */
    public static ThrottleBudget azure(Clock clock, Duration period) {
        Map<ArmPolicy, Limit> limits = new EnumMap<>(ArmPolicy.class);
        for (ArmPolicy p : ArmPolicy.values()) {
            Limit documented = p.azureLimit();
            limits.put(p, new Limit(documented.bucket(), documented.refill(), period));
        }
        return new ThrottleBudget(clock, limits, Duration.ofMillis(500), 1);
    }

    /**
     * Limits per policy (all policies required), e.g. scaled-down ones for tests and benchmarks;
     * {@code headroom} tokens of each bucket are kept back (at most bucket - 1).
     */
    public ThrottleBudget(Clock clock, Map<ArmPolicy, Limit> limits, Duration guard, int headroom) {
        for (ArmPolicy p : ArmPolicy.values()) {
            Limit limit = limits.get(p);
            if (limit == null) {
                throw new IllegalArgumentException("no limit for " + p);
            }
            if (headroom < 0 || headroom >= limit.bucket()) {
                throw new IllegalArgumentException("headroom must be >= 0 and below the bucket of " + p);
            }
        }
        this.clock = clock;
        this.origin = clock.instant();
        this.limits = new EnumMap<>(limits);
        this.guardNanos = guard.toNanos();
        this.headroom = headroom;
    }

    /** The same limit for every policy. */
    public static ThrottleBudget uniform(Clock clock, Limit limit, Duration guard, int headroom) {
        Map<ArmPolicy, Limit> limits = new EnumMap<>(ArmPolicy.class);
        for (ArmPolicy p : ArmPolicy.values()) {
            limits.put(p, limit);
        }
        return new ThrottleBudget(clock, limits, guard, headroom);
    }

    /** The outcome of {@link #reserve}: wait {@code delay}, then send; or, if not granted, do not send now. */
    public record Reservation(Duration delay, boolean granted) {
    }

    /**
     * Takes a token for one call, now or reserved for later, and says how long the caller must wait
     * before sending. If that wait would exceed {@code maxWait} nothing is taken, the reservation
     * is not granted, and its delay says how long until a token would be free.
     */
    public synchronized Reservation reserve(String scaleSet, ArmPolicy policy, Duration maxWait) {
        long now = now();
        long[] tat = schedule(scaleSet);
        Limit limit = limits.get(policy);
        long interval = limit.intervalNanos();
        long tolerance = tolerance(limit);
        long start = Math.max(tat[policy.ordinal()], now);
        long wait = Math.max(0, start - tolerance - now);
        if (wait > 0) {
            wait += guardNanos;
        }
        if (wait > maxWait.toNanos()) {
            return new Reservation(Duration.ofNanos(wait), false);
        }
        if (wait > 0) {
            waits[policy.ordinal()].increment();
            waitNanos[policy.ordinal()].add(wait);
        }
        tat[policy.ordinal()] = start + interval + (wait > 0 ? guardNanos : 0);
        return new Reservation(Duration.ofNanos(wait), true);
    }

    /**
     * Azure answered 429 with this Retry-After: its bucket is empty, so allow no call before then
     * and, after that, one call per refill interval (the bucket is only refilling).
     */
    public synchronized void throttled(String scaleSet, ArmPolicy policy, Duration retryAfter) {
        throttledCalls[policy.ordinal()].increment();
        long[] tat = schedule(scaleSet);
        Limit limit = limits.get(policy);
        long tolerance = tolerance(limit);
        long blockedUntil = now() + Math.max(0, retryAfter.toNanos());
        tat[policy.ordinal()] = Math.max(tat[policy.ordinal()], blockedUntil + tolerance);
    }

    /**
     * Follows what Azure reported on an answer to a call charged to {@code charged} on this scale
     * set (any status, any try): charges the tokens beyond the one reserved, and lowers each
     * reported bucket to at most Azure's lowest remaining figure for it. Never raises a count.
     */
    public synchronized void follow(String scaleSet, ArmPolicy charged, RateLimitHeaders.Report report) {
        if (report.charge() > 1) {
            charge(scaleSet, charged, report.charge() - 1);
        }
        for (ArmPolicy p : ArmPolicy.values()) {
            report.lowest(p).ifPresent(remaining -> cap(scaleSet, p, remaining));
        }
    }

    /** Takes {@code extra} more tokens (at most a bucket's worth) for a call already reserved. */
    private void charge(String scaleSet, ArmPolicy policy, int extra) {
        Limit limit = limits.get(policy);
        int tokens = Math.min(extra, limit.bucket());
        long[] tat = schedule(scaleSet);
        tat[policy.ordinal()] = Math.max(tat[policy.ordinal()], now()) + tokens * limit.intervalNanos();
        extraCharged[policy.ordinal()].add(tokens);
    }

    /**
     * At most {@code remaining} tokens in the bucket now (headroom included, as Azure counts the
     * whole bucket): in GCRA terms the bucket holds {@code bucket - (tat - now) / interval}.
     */
    private void cap(String scaleSet, ArmPolicy policy, int remaining) {
        Limit limit = limits.get(policy);
        if (remaining >= limit.bucket()) {
            return;
        }
        long[] tat = schedule(scaleSet);
        long atMost = now() + (limit.bucket() - (long) remaining) * limit.intervalNanos();
        if (atMost > tat[policy.ordinal()]) {
            tat[policy.ordinal()] = atMost;
            lowered[policy.ordinal()].increment();
        }
    }

    /** Times Azure's remaining figure lowered this bucket's local count, since start. */
    public long lowered(ArmPolicy policy) {
        return lowered[policy.ordinal()].sum();
    }

    /** Tokens charged beyond one per call because Azure reported a larger request charge, since start. */
    public long extraCharged(ArmPolicy policy) {
        return extraCharged[policy.ordinal()].sum();
    }

    /** Calls that had to wait for budget under this policy, since start (for metrics). */
    public long waits(ArmPolicy policy) {
        return waits[policy.ordinal()].sum();
    }

    /** Time calls spent waiting for budget under this policy, since start. */
    public Duration waited(ArmPolicy policy) {
        return Duration.ofNanos(waitNanos[policy.ordinal()].sum());
    }

    /** 429 answers Azure gave under this policy, since start. */
    public long throttledCalls(ArmPolicy policy) {
        return throttledCalls[policy.ordinal()].sum();
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[ArmPolicy.values().length];
        java.util.Arrays.setAll(a, i -> new LongAdder());
        return a;
    }

    /** Whole tokens usable now, headroom excluded (0 when callers are waiting or the bucket is blocked). */
    public synchronized int available(String scaleSet, ArmPolicy policy) {
        long[] tat = schedule(scaleSet);
        Limit limit = limits.get(policy);
        long interval = limit.intervalNanos();
        long free = (now() - (tat[policy.ordinal()] - tolerance(limit) - interval)) / interval;
        return (int) Math.max(0, Math.min(limit.bucket() - headroom, free));
    }

    /**
     * What the bucket allows now, without taking anything: whole usable tokens and when the next
     * one is free (a call reserved at that instant would not wait, guard included).
     */
    public synchronized CallAllowance allowance(String scaleSet, ArmPolicy policy) {
        long now = now();
        long[] tat = schedule(scaleSet);
        long freeAt = Math.max(now, tat[policy.ordinal()] - tolerance(limits.get(policy)));
        long wait = freeAt > now ? freeAt - now + guardNanos : 0;
        return new CallAllowance(policy.azureName(), available(scaleSet, policy),
                clock.instant().plusNanos(wait));
    }

    /** How far ahead of "now" the schedule may run: the usable bucket, less the call being made. */
    private long tolerance(Limit limit) {
        return (limit.bucket() - 1L - headroom) * limit.intervalNanos();
    }

    private long[] schedule(String scaleSet) {
        return schedules.computeIfAbsent(scaleSet, k -> new long[ArmPolicy.values().length]);
    }

    private long now() {
        return Duration.between(origin, clock.instant()).toNanos();
    }
}
