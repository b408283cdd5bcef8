package io.vmssrunnerscaler.shell;

import java.util.List;
import java.util.Optional;

/**
 * What operators' endpoints read of the running scaler: each pool's latest snapshot and how its
 * dependencies answered. Reads only; no call leaves the process.
 */
public interface PoolDirectory {

    /** Each pool with its scale sets, in the order of preference. */
    List<SpanningPool> pools();

    /** One loop per scale set. */
    List<PoolLoop> loops();

    /** A loop by its name: the pool's, or {@code <pool>@<scale set>} for a pool over several. */
    Optional<PoolLoop> loop(String name);

    /** Whether the busy runners were read back from the store at start. */
    boolean busyRestored();

    /** The outcome of the latest listing of GitHub's runners; empty before the first. */
    Optional<Reconciler.GitHubStatus> gitHubStatus();

    /** The jobs lost with their runners on this loop (by its name), newest first, with what became of each. */
    List<LostJobs.LostJob> lostJobs(String loop);

    /** The jobs waiting in this loop (by its name), oldest first, with the stage each is in and what holds it up. */
    List<WaitingJob> waitingJobs(String loop);

    /** Why this loop's (by its name) live instances differ from its desired count; empty when they do not. */
    Optional<Convergence> convergence(String loop);

    /** Label sets of queued jobs that no pool serves, most recently seen first. */
    List<UnservedDemand.LabelSet> unservedDemand();

    /** A pool's recent stage durations and scale-set calls (by the pool's name). */
    JobJourneys.PoolLatency latency(String pool);

    /** Why the busy store is unhealthy, where it can tell (the storage queue). */
    Optional<String> busyStoreProblem();
}
