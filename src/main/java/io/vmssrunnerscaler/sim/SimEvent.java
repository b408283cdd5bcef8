package io.vmssrunnerscaler.sim;

import java.time.Instant;

/**
 * One thing that happened in the simulated world: the ground truth that tests and benchmarks
 * check the scaler against.
 *
 * @param jobId 0 when not about a job
 * @param scaleSet the scale set, when about one
 * @param instanceId the instance, when about one
 * @param value a count (capacity, instances) where the kind has one
 */
public record SimEvent(Instant at, Kind kind, long jobId, String scaleSet, String instanceId, int value, String detail) {

    public enum Kind {
        JOB_QUEUED,
        JOB_STARTED,
        JOB_COMPLETED,
        CAPACITY_SET,
        INSTANCE_CREATED,
        INSTANCE_BOOTED,
        INSTANCE_FAILED,
        REIMAGE_REQUESTED,
        DELETE_REQUESTED,
        INSTANCE_DELETED,
        /** A re-image, delete or scale-in hit an instance whose runner was running a job. */
        BUSY_INSTANCE_TOUCHED,
        /** The scale set held more instances than the pool's max. */
        MAX_EXCEEDED,
        /** Azure announced a Spot eviction of the instance (its VM goes after the notice); detail: the job on it, if any. */
        EVICTION_NOTICE,
        /** Azure deleted an evicted instance: the scale set's capacity dropped by one. */
        INSTANCE_EVICTED,
        /** The instance died without notice and left the listing: the scale set's capacity dropped by one. */
        INSTANCE_KILLED,
        /** GitHub failed a job whose runner died under it (its VM evicted, killed, re-imaged or deleted). */
        JOB_FAILED,
        /** A job queued again by a re-run: jobId is the new job, value its run attempt, detail the job it re-runs. */
        JOB_RERUN
    }
}
