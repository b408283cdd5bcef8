package io.vmssrunnerscaler.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Heals drift between what the pool believes and what GitHub and the busy store report. Nothing
 * is judged before the scale set has been listed once, and an instance is judged by a GitHub
 * listing only if its phase began before that listing was asked for: a newer fact always wins.
 */
final class Reconciliation {
    /** Azure gives at least 30 s notice and then deletes the VM; one still listed this long after is judged. */
    static final java.time.Duration EVICTION_GRACE = java.time.Duration.ofMinutes(2);

    private Reconciliation() {}

    static void runnersObserved(PoolDraft d, PoolEvent.RunnersObserved e) {
        if (!d.listed()) {
            return;
        }
        Map<String, ObservedRunner> byName = new HashMap<>();
        e.runners().forEach(r -> byName.put(key(r.name()), r));
        Set<String> known = new HashSet<>();
        for (Instance i : d.instances()) {
            known.add(key(i.name()));
            if (i.since().isBefore(e.listedAt())) {
                judge(d, i, byName.get(key(i.name())), e);
            }
        }
        for (ObservedRunner r : e.runners()) {
            // Offline and idle with no instance behind it: its VM is gone, only the registration is left.
            if (r.poolNamed() && !known.contains(key(r.name())) && !r.online() && !r.busy()) {
                d.removeStaleRunner(r.name());
            }
        }
    }

    private static void judge(PoolDraft d, Instance i, ObservedRunner runner, PoolEvent.RunnersObserved e) {
        boolean online = runner != null && runner.online();
        switch (i.phase()) {
            // After a restart an instance whose runner is already up is listed as provisioning:
            // take it for what GitHub says it is, so it is neither recycled at the boot timeout nor
            // counted as free when it runs a job.
            case PROVISIONING -> {
                if (online && runner.busy()) {
                    ScalingEngine.runnerStarted(d, i.name(), 0, "", false);
                } else if (online) {
                    d.adoptConfigured(i);
                }
            }
            // The job is over when the runner is gone (GitHub removes a JIT runner after its job) or
            // offline with no job. An offline runner that GitHub still shows busy may come back.
            // Still BUSY (no completed-hook, no completed delivery) means the runner died under the
            // job: it is lost. The shell asks GitHub how it ended before re-running anything.
            case BUSY, FINISHING -> {
                if (runner == null || (!runner.online() && !runner.busy())) {
                    if (i.phase() == Phase.BUSY) {
                        d.lose(i, PoolCommand.LostReason.RUNNER_OFFLINE);
                    }
                    d.endJob(i);
                }
            }
            // Azure announced the eviction, yet the VM is still listed past the grace with its
            // runner gone: delete it, as a failed one (the notice may have come from its own job).
            case EVICTED -> {
                if (!online && !i.since().plus(EVICTION_GRACE).isAfter(e.listedAt())) {
                    d.move(i, Phase.FAILED);
                }
            }
            // Configured, yet no runner came up within the boot timeout: drain it like a surplus
            // idle runner (GitHub refuses if it just took a job), then recycle it.
            // A runner GitHub shows running a job is busy even if its hook call was lost: it must
            // neither be counted as free nor drained.
            case IDLE -> {
                if (online && runner.busy()) {
                    ScalingEngine.runnerStarted(d, i.name(), 0, "", false);
                } else if (!online && !i.since().plus(d.spec().bootTimeout()).isAfter(e.listedAt())) {
                    d.startDrain(i);
                }
            }
            default -> { } // in the middle of an operation: its own answer decides
        }
    }

    /**
     * Repairs the store from the pool's state, which is newer: markers of runners whose instance
     * holds none (it is gone or recycled, or a clear was lost) are cleared, marked instances (busy,
     * or used and not recycled yet) without one are marked again, and waiting jobs are added or
     * removed to match. Writes are idempotent, so a write that raced the store's read is only
     * repeated.
     */
    static void markersObserved(PoolDraft d, PoolEvent.MarkersObserved e) {
        if (!d.listed()) {
            return;
        }
        Set<String> stored = new HashSet<>();
        for (String runner : e.busyRunners()) {
            stored.add(key(runner));
            boolean marked = d.byName(runner).filter(Instance::marked).isPresent();
            if (!marked && !awaitingListing(d, runner)) {
                d.clearStaleMarker(runner);
            }
        }
        d.instances().stream().filter(i -> i.marked() && !stored.contains(key(i.name()))).forEach(d::markBusy);
        for (long job : e.queuedJobs()) {
            if (!d.isQueued(job)) {
                d.clearStaleQueued(job);
            }
        }
        d.queued().keySet().stream().filter(job -> !e.queuedJobs().contains(job)).toList().forEach(d::restoreQueued);
    }

    /**
     * A start reported for an instance not listed yet is kept until a listing shows it; one that no
     * listing has shown within the boot timeout belongs to an instance that is gone.
     */
    private static boolean awaitingListing(PoolDraft d, String runner) {
        return d.orphanStart(runner).filter(o -> o.at().plus(d.spec().bootTimeout()).isAfter(d.now())).isPresent();
    }

    private static String key(String runnerName) {
        return runnerName.toLowerCase(Locale.ROOT);
    }
}
