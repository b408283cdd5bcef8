package io.vmssrunnerscaler.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of one scale-set instance as the engine sees it. The allowed moves are an explicit
 * table so that a late or duplicated event can only ever be rejected, never bend the lifecycle.
 */
public enum Phase {
    /** Created or re-imaged; its runner has not asked for a configuration yet. */
    PROVISIONING,
    /** Runner configured and waiting for a job. */
    IDLE,
    /** Running a job. Never re-imaged or deleted. */
    BUSY,
    /** The completed-hook ran; the runner still has to report the job. Still never touched. */
    FINISHING,
    /** The job is really over; waiting to be re-imaged or deleted. */
    FINISHED,
    /**
     * A surplus idle runner, or an instance past its boot timeout, being removed at GitHub before
     * its VM goes: GitHub refuses when it has just handed the runner a job, so no delete can race
     * a job start.
     */
    DRAINING,
    /** A re-image is in flight; comes back as PROVISIONING. */
    REIMAGING,
    /** A delete is in flight; leaves the pool when it succeeds. */
    DELETING,
    /** Azure reports it failed, or an operation on it failed; it is deleted and replaced. */
    FAILED,
    /**
     * Azure announced that it takes the VM away (a Spot eviction, or a termination it scheduled):
     * no longer capacity, no longer demand, never configured, re-imaged or drained; it leaves when
     * a listing no longer shows it, or is deleted once Azure shows it stopped or its runner has
     * been offline past the notice.
     */
    EVICTED;

    /** The phases this one may move to. */
    public Set<Phase> next() {
        return switch (this) {
            // PROVISIONING -> DRAINING: past the boot timeout; GitHub confirms there is no job first.
            // Any phase but the end of the road may be evicted: Azure does not ask.
            case PROVISIONING -> EnumSet.of(IDLE, BUSY, FINISHED, DRAINING, FAILED, EVICTED);
            // IDLE -> PROVISIONING: handing out the configuration failed, the VM may ask again.
            // IDLE never goes straight to DELETING: GitHub may be handing it a job right now.
            case IDLE -> EnumSet.of(PROVISIONING, BUSY, FINISHED, DRAINING, FAILED, EVICTED);
            // A busy instance never goes to FAILED: Azure may flag an extension while the job runs,
            // and FAILED instances are deleted. EVICTED: Azure takes it, job or not.
            case BUSY -> EnumSet.of(FINISHING, FINISHED, EVICTED);
            case FINISHING -> EnumSet.of(FINISHED, EVICTED);
            // Removal refused: back to IDLE, or PROVISIONING if it was never configured here (or BUSY
            // when the start arrives); removed: FINISHED. No FAILED: a failed instance is deleted at
            // once, and GitHub may just have given it a job.
            case DRAINING -> EnumSet.of(IDLE, PROVISIONING, BUSY, FINISHED, EVICTED);
            case FINISHED -> EnumSet.of(REIMAGING, DELETING, EVICTED);
            case REIMAGING -> EnumSet.of(PROVISIONING, FAILED, EVICTED);
            case DELETING -> EnumSet.of(FAILED);
            case FAILED -> EnumSet.of(DELETING);
            // Still listed past the notice with its runner gone, or shown stopped: deleted like a failed one.
            case EVICTED -> EnumSet.of(FAILED);
        };
    }

    public boolean canMoveTo(Phase to) {
        return next().contains(to);
    }

    /** Running a job: counts as demand and must not be touched. */
    public boolean isBusy() {
        return this == BUSY || this == FINISHING;
    }

    /** Counts towards the pool's live size: serving now, or about to. */
    public boolean isLive() {
        return this == PROVISIONING || this == IDLE || this == BUSY || this == FINISHING || this == REIMAGING;
    }
}
