package io.vmssrunnerscaler.pool;

/**
 * What a pool does about jobs lost with their runners.
 *
 * @param rerunLostJobs ask GitHub to re-run a lost job once its run is over (opt-in: a re-run
 *     repeats the job's side effects)
 * @param rerunsPerHour at most this many re-run requests per hour for the pool
 */
public record LossPolicy(boolean rerunLostJobs, int rerunsPerHour) {

    public static final LossPolicy DEFAULT = new LossPolicy(false, 30);

    public LossPolicy {
        if (rerunsPerHour < 0) {
            throw new IllegalArgumentException("rerunsPerHour must not be negative, got " + rerunsPerHour);
        }
    }
}
