package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;

/**
 * What an operator may change at runtime, without a restart; kept until the process restarts or
 * the operator resets it. {@code name}: a pool, or one scale set of a pool over several as
 * {@code <pool>@<scale set>}.
 */
public interface PoolAdmin {

    /** Pause (no new capacity; busy runners untouched) or resume a pool, or one of its scale sets. */
    Uni<AdminOutcome> pause(String name, boolean paused);

    /**
     * Override the sizing in force of one scale set (null: not overridden); all null resets them.
     * A pool over several scale sets is sized per scale set: name one of them.
     */
    Uni<AdminOutcome> override(String name, Integer min, Integer max, Integer minIdle);

    /** Take an idle or booting instance out of service: removed at GitHub, then recycled. Refused while busy. */
    Uni<AdminOutcome> drain(String name, String instanceId);
}
