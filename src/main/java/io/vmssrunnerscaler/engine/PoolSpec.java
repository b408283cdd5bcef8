package io.vmssrunnerscaler.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sizing rules of one pool, as the engine needs them. Validated with key names by the
 * configuration layer; the checks here only guard the engine's own invariants.
 *
 * @param name pool name, unique
 * @param labels runner labels, lower-case
 * @param min instances kept live even with no demand
 * @param max hard ceiling on the scale set's capacity
 * @param freePercent keep this percentage of the demand free on top of it (the seed's rule)
 * @param afterJob what to do with an instance once its job is over
 * @param bootTimeout an instance that has not asked for its runner configuration by then is replaced
 * @param idleCooldown a surplus idle instance is deleted only after idling this long
 * @param finishGrace after the completed-hook, the job counts as over after this long even
 *     without the webhook or the runner going offline
 * @param queuedMaxAge a queued job that never started stops counting as demand after this long
 * @param refusalBackoff after Azure refuses capacity, no capacity is asked for this long, doubled
 *     with each refusal in a row up to {@link #MAX_REFUSAL_BACKOFF}
 * @param evictionLimit when evictions hold growth back on this scale set (a scale set of a pool
 *     that has another one after it); {@link EvictionLimit#NONE} for never
 * @param minIdle idle runners kept ready on top of the demand, up to max
 * @param schedule periods of the week with their own sizing; the first in force wins, and outside
 *     all of them the pool's own settings apply
 * @param adaptiveIdle an idle target that follows the recent arrivals, or {@link AdaptiveIdle#OFF}
 */
public record PoolSpec(
        String name,
        Set<String> labels,
        int min,
        int max,
        int freePercent,
        AfterJob afterJob,
        Duration bootTimeout,
        Duration idleCooldown,
        Duration finishGrace,
        Duration queuedMaxAge,
        Duration refusalBackoff,
        EvictionLimit evictionLimit,
        int minIdle,
        List<SchedulePeriod> schedule,
        AdaptiveIdle adaptiveIdle) {

    /**
     * {@code threshold} evictions within {@code window} hold growth back, as a refusal of capacity
     * does, until {@code cooldown} after the latest of them: Spot capacity is scarce there, and
     * the pool's next scale set takes new capacity meanwhile.
     */
    public record EvictionLimit(int threshold, Duration window, Duration cooldown) {
        /** Evictions never hold growth back (a pool of one scale set has nowhere else to grow). */
        public static final EvictionLimit NONE = new EvictionLimit(0, Duration.ofMinutes(10), Duration.ZERO);

        public EvictionLimit {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(cooldown, "cooldown");
        }
    }

    /** No warm capacity beyond the free percentage, and no schedule. */
    public PoolSpec(String name, Set<String> labels, int min, int max, int freePercent, AfterJob afterJob,
            Duration bootTimeout, Duration idleCooldown, Duration finishGrace, Duration queuedMaxAge,
            Duration refusalBackoff, EvictionLimit evictionLimit) {
        this(name, labels, min, max, freePercent, afterJob, bootTimeout, idleCooldown, finishGrace, queuedMaxAge,
                refusalBackoff, evictionLimit, 0, List.of(), AdaptiveIdle.OFF);
    }

    /** Evictions never hold growth back. */
    public PoolSpec(String name, Set<String> labels, int min, int max, int freePercent, AfterJob afterJob,
            Duration bootTimeout, Duration idleCooldown, Duration finishGrace, Duration queuedMaxAge,
            Duration refusalBackoff) {
        this(name, labels, min, max, freePercent, afterJob, bootTimeout, idleCooldown, finishGrace, queuedMaxAge,
                refusalBackoff, EvictionLimit.NONE);
    }

    /** Quota and allocation refusals last minutes to hours; asking more often only spends Update tokens. */
    public static final Duration DEFAULT_REFUSAL_BACKOFF = Duration.ofMinutes(1);
    public static final Duration MAX_REFUSAL_BACKOFF = Duration.ofMinutes(30);

    /** With the default back-off after Azure refuses capacity. */
    public PoolSpec(String name, Set<String> labels, int min, int max, int freePercent, AfterJob afterJob,
            Duration bootTimeout, Duration idleCooldown, Duration finishGrace, Duration queuedMaxAge) {
        this(name, labels, min, max, freePercent, afterJob, bootTimeout, idleCooldown, finishGrace, queuedMaxAge,
                DEFAULT_REFUSAL_BACKOFF);
    }

    public PoolSpec {
        Objects.requireNonNull(name, "name");
        labels = labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException("need 0 <= min <= max and max >= 1, got min " + min + ", max " + max);
        }
        if (freePercent < 0) {
            throw new IllegalArgumentException("freePercent must not be negative, got " + freePercent);
        }
        Objects.requireNonNull(afterJob, "afterJob");
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        Objects.requireNonNull(idleCooldown, "idleCooldown");
        Objects.requireNonNull(finishGrace, "finishGrace");
        Objects.requireNonNull(queuedMaxAge, "queuedMaxAge");
        Objects.requireNonNull(evictionLimit, "evictionLimit");
        Objects.requireNonNull(adaptiveIdle, "adaptiveIdle");
        if (minIdle < 0) {
            throw new IllegalArgumentException("minIdle must not be negative, got " + minIdle);
        }
        schedule = List.copyOf(schedule);
        if (refusalBackoff.isNegative() || refusalBackoff.isZero()) {
            throw new IllegalArgumentException("refusalBackoff must be positive, got " + refusalBackoff);
        }
    }

    /** This spec with growth held back after {@code limit} evictions. */
    public PoolSpec withEvictionLimit(EvictionLimit limit) {
        return new PoolSpec(name, labels, min, max, freePercent, afterJob, bootTimeout, idleCooldown, finishGrace,
                queuedMaxAge, refusalBackoff, limit, minIdle, schedule, adaptiveIdle);
    }

    /** This spec with idle runners kept ready and sizing that follows the clock. */
    public PoolSpec withWarmCapacity(int newMinIdle, List<SchedulePeriod> newSchedule, AdaptiveIdle newAdaptiveIdle) {
        return new PoolSpec(name, labels, min, max, freePercent, afterJob, bootTimeout, idleCooldown, finishGrace,
                queuedMaxAge, refusalBackoff, evictionLimit, newMinIdle, newSchedule, newAdaptiveIdle);
    }

    /** The pool's own sizing, outside every schedule period. */
    public Sizing ownSizing() {
        return new Sizing(min, minIdle, max, freePercent, "");
    }

    /** The sizing in force at {@code now}: that of the first schedule period in force, else the pool's own. */
    public Sizing sizingAt(Instant now) {
        Sizing own = ownSizing();
        for (SchedulePeriod period : schedule) {
            if (period.activeAt(now)) {
                return period.applyTo(own);
            }
        }
        return own;
    }

    /** The largest max any period allows: the most instances the scale set may ever hold. */
    public int maxEver() {
        return schedule.stream().mapToInt(p -> p.max().orElse(max)).reduce(max, Math::max);
    }

    /** desired by the pool's own sizing, with {@code min-idle} as the idle target. */
    public int desiredFor(int demand) {
        return ownSizing().desiredFor(demand, Math.min(minIdle, max));
    }
}
