package io.vmssrunnerscaler.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;


/**
 * Derives what to do from a pool's snapshot. Runs after every event, so the time-based rules
 * need nothing but a tick to fire.
 */
final class Planner {
    private Planner() {}

    static void plan(PoolDraft d) {
        forgetOld(d);
        expireFinishing(d);
        expireBoot(d);
        List<String> reimage = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        recycleFinished(d, reimage, delete);
        replaceFailed(d, delete);
        drainSurplusIdle(d);
        if (!reimage.isEmpty()) {
            d.reimage(reimage);
        }
        if (!delete.isEmpty()) {
            d.delete(delete);
        }
        grow(d);
        settleGrowth(d);
    }

    /** Queued jobs that never started stop counting as demand; memory of ended jobs is bounded. */
    private static void forgetOld(PoolDraft d) {
        d.forgetOlderThan(d.now().minus(d.spec().queuedMaxAge()));
    }

    /** After the completed-hook, the job counts as over once the grace period has passed. */
    private static void expireFinishing(PoolDraft d) {
        var cutoff = d.now().minus(d.spec().finishGrace());
        d.instancesIn(Phase.FINISHING).stream().filter(i -> !i.since().isAfter(cutoff)).forEach(d::endJob);
    }

    /**
     * An instance that never asked for its configuration within the boot timeout is replaced, after
     * a drain like any idle runner: after a restart a provisioning instance may be one whose runner
     * the previous process configured, and only GitHub can say that it has no job (a VM that never
     * registered has no runner there, and its drain succeeds at once).
     */
    private static void expireBoot(PoolDraft d) {
        var cutoff = d.now().minus(d.spec().bootTimeout());
        d.instancesIn(Phase.PROVISIONING).stream().filter(i -> !i.since().isAfter(cutoff)).forEach(d::startDrain);
    }

    /**
     * Re-image while the pool still needs the instance (and is not paused), else delete it. A VM Azure shows stopped or
     * deallocated is deleted and replaced, like a failed one: a re-image would leave it off. A
     * scale set the pool prefers another to deletes: the capacity comes back where it is cheaper.
     */
    private static void recycleFinished(PoolDraft d, List<String> reimage, List<String> delete) {
        int live = d.live();
        int desired = d.desired();
        boolean canShrink = d.canShrink();
        for (Instance i : d.instancesIn(Phase.FINISHED)) {
            if (d.spec().afterJob() == AfterJob.REIMAGE_OR_DELETE && live < desired && !i.poweredOff()
                    && !d.preferredElsewhere() && !d.paused()) {
                d.move(i, Phase.REIMAGING);
                reimage.add(i.instanceId());
                live++;
            } else if (canShrink) {
                d.move(i, Phase.DELETING);
                delete.add(i.instanceId());
            }
        }
    }

    private static void replaceFailed(PoolDraft d, List<String> delete) {
        if (!d.canShrink()) {
            return;
        }
        for (Instance i : d.instancesIn(Phase.FAILED)) {
            d.move(i, Phase.DELETING);
            delete.add(i.instanceId());
        }
    }

    /**
     * Surplus idle instances go after the cool-down, longest idle first: drained at GitHub first,
     * deleted (or re-imaged, if demand came back) once their runner is removed.
     */
    private static void drainSurplusIdle(PoolDraft d) {
        int surplus = d.live() - d.desired();
        if (surplus <= 0) {
            return;
        }
        var cutoff = d.now().minus(d.spec().idleCooldown());
        d.instancesIn(Phase.IDLE).stream()
                .filter(i -> !i.since().isAfter(cutoff))
                .limit(surplus)
                .forEach(d::startDrain);
    }

    /**
     * Raise capacity by what is missing, never above max, one change at a time, and never while paused. A change not yet
     * answered is replaced by a larger one: the shell holds a change until the scale set's budget
     * has a token and then sends only the latest, so demand that grows meanwhile rides on the same
     * call instead of waiting for the next token.
     */
    private static void grow(PoolDraft d) {
        int missing = d.desired() - d.live();
        if (missing <= 0 || d.paused()) {
            return;
        }
        int total = d.size();
        int target = Math.min(d.sizing().max(), total + missing);
        Optional<Operation> unanswered = d.unanswered(Operation.Kind.SET_CAPACITY);
        if (unanswered.isPresent()) {
            if (target > unanswered.get().capacity() && target > total && d.canRaiseCapacity()) {
                d.setCapacity(target); // supersedes the unanswered one
            }
            return;
        }
        if (target > total && d.canGrow()) {
            d.setCapacity(target);
        }
    }

    /** A listing lost after a capacity change is asked for again once the back-off allows. */
    private static void settleGrowth(PoolDraft d) {
        if (d.growthSettling() && !d.inFlight(Operation.Kind.LIST) && !d.backingOff()) {
            d.settleGrowthWith(d.requestList());
        }
    }

}
