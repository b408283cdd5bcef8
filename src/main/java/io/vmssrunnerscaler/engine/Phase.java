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
    FAILED;

    /** The phases this one may move to. */
    public Set<Phase> next() {
        return switch (this) {
            // PROVISIONING -> DRAINING: past the boot timeout; GitHub confirms there is no job first.
            case PROVISIONING -> EnumSet.of(IDLE, BUSY, FINISHED, DRAINING, FAILED);
            // IDLE -> PROVISIONING: handing out the configuration failed, the VM may ask again.
            // IDLE never goes straight to DELETING: GitHub may be handing it a job right now.
            case IDLE -> EnumSet.of(PROVISIONING, BUSY, FINISHED, DRAINING, FAILED);
            // A busy instance never goes to FAILED: Azure may flag an extension while the job runs,
            // and FAILED instances are deleted.
            case BUSY -> EnumSet.of(FINISHING, FINISHED);
            case FINISHING -> EnumSet.of(FINISHED);
            // Removal refused: back to IDLE, or PROVISIONING if it was never configured here (or BUSY
            // when the start arrives); removed: FINISHED. No FAILED: a failed instance is deleted at
            // once, and GitHub may just have given it a job.
            case DRAINING -> EnumSet.of(IDLE, PROVISIONING, BUSY, FINISHED);
            case FINISHED -> EnumSet.of(REIMAGING, DELETING);
            case REIMAGING -> EnumSet.of(PROVISIONING, FAILED);
            case DELETING -> EnumSet.of(FAILED);
            case FAILED -> EnumSet.of(DELETING);
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
