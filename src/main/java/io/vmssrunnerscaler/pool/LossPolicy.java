package io.vmssrunnerscaler.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * What a pool does about capacity it loses: whether jobs lost with their runners are run again,
 * and when a scale set that is evicted often is passed over for new capacity.
 *
 * @param rerunLostJobs ask GitHub to re-run a lost job once its run is over (opt-in: a re-run
 *     repeats the job's side effects)
 * @param rerunsPerHour at most this many re-run requests per hour for the pool
 * @param evictionThreshold this many evictions of one scale set within {@code evictionWindow}...
 * @param evictionWindow ...send new capacity to the pool's next scale set...
 * @param evictionCooldown ...until this long after the latest of them
 */
public record LossPolicy(boolean rerunLostJobs, int rerunsPerHour, int evictionThreshold, Duration evictionWindow,
        Duration evictionCooldown) {

    public static final LossPolicy DEFAULT = new LossPolicy(false, 10, 3, Duration.ofMinutes(10), Duration.ofMinutes(30));

    public LossPolicy {
        if (rerunsPerHour < 0) {
            throw new IllegalArgumentException("rerunsPerHour must not be negative, got " + rerunsPerHour);
        }
        if (evictionThreshold < 1) {
            throw new IllegalArgumentException("evictionThreshold must be at least 1, got " + evictionThreshold);
        }
        Objects.requireNonNull(evictionWindow, "evictionWindow");
        Objects.requireNonNull(evictionCooldown, "evictionCooldown");
    }
}
