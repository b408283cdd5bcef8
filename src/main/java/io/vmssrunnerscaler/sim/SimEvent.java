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
        MAX_EXCEEDED
    }
}
