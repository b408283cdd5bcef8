package io.vmssrunnerscaler.engine;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Everything that can happen to a pool. Each is handled idempotently by {@link ScalingEngine}. */
public sealed interface PoolEvent {

    /**
     * Webhook {@code workflow_job} {@code queued} (or {@code waiting}) for a job this pool serves,
     * or a waiting job read back from the store after a restart.
     *
     * @param repository {@code owner/name}, so that the job can be looked up at GitHub; may be empty
     * @param queuedAt when it was first seen queued, or null for now
     * @param createdAt when GitHub created the job ({@code workflow_job.created_at}), null when not
     *     known: from there to the delivery is GitHub's own delay
     */
    record JobQueued(long jobId, String repository, Instant queuedAt, Instant createdAt) implements PoolEvent {
        public JobQueued(long jobId) {
            this(jobId, "", null, null);
        }

        /** GitHub's creation time not known (read back from the store, or moved between scale sets). */
        public JobQueued(long jobId, String repository, Instant queuedAt) {
            this(jobId, repository, queuedAt, null);
        }
    }

    /**
     * The job no longer waits here: it was moved to another scale set of the same pool (this one
     * refuses capacity or is draining), or GitHub started it on a runner of another one.
     */
    record JobHandedOff(long jobId) implements PoolEvent {}

    /**
     * Webhook {@code in_progress}: GitHub assigned the job to a runner.
     *
     * @param repository {@code owner/name}, so that the job can be asked about if its runner is
     *     lost; may be empty
     */
    record JobStarted(long jobId, String runnerName, String repository) implements PoolEvent {
        public JobStarted(long jobId, String runnerName) {
            this(jobId, runnerName, "");
        }

        public JobStarted {
            repository = repository == null ? "" : repository;
        }
    }

    /** Webhook {@code completed}: the job is really over (the runner may be null if it never ran). */
    record JobCompleted(long jobId, String runnerName) implements PoolEvent {}

    /** A runner VM asks for its one-time configuration. */
    /**
     * A VM asks for its runner configuration.
     *
     * @param provenVmId the VM id its attested document names, verified; null when the scaler runs
     *     without attestation (network-only mode)
     */
    record RunnerConfigRequested(String runnerName, String provenVmId) implements PoolEvent {
        public RunnerConfigRequested(String runnerName) {
            this(runnerName, null);
        }
    }

    /** Handing out the configuration failed after it was granted; the instance may ask again. */
    record RunnerConfigFailed(String runnerName) implements PoolEvent {}

    /**
     * A busy marker read back from the store at start: the runner ran this job (0: not known) when
     * an earlier process wrote it, on an instance that process had listed.
     */
    record BusyRestored(String runnerName, long jobId, String repository) implements PoolEvent {
        public BusyRestored {
            repository = repository == null ? "" : repository;
        }
    }

    /**
     * Azure announced that it takes the runner's VM away: a Spot eviction ({@code Preempt}) or a
     * termination ({@code Terminate}), told by the VM's own watcher of Azure's scheduled events.
     */
    record InstanceEvicted(String runnerName, EvictionKind kind) implements PoolEvent {}

    /** What Azure announced. */
    enum EvictionKind {
        /** A Spot VM is evicted: Azure needs the capacity back, or the price rose above the maximum. */
        PREEMPT,
        /** The VM is being deleted, not by this scaler. */
        TERMINATE
    }

    /** The runner's job-started hook. Carries no job id: hooks only see the YAML job key. */
    record RunnerJobStarted(String runnerName) implements PoolEvent {}

    /** The runner's job-completed hook. The job is not over yet: the runner still has to report it. */
    record RunnerJobFinishing(String runnerName) implements PoolEvent {}

    /**
     * GitHub removed the drained runner: no job can land on it any more. {@code drainId} is the
     * drain it answers: a re-imaged instance keeps its name, so a late answer to an earlier drain
     * must not end a later one.
     */
    record RunnerRemoved(String runnerName, long drainId) implements PoolEvent {}

    /** GitHub did not remove the runner (it took a job, or GitHub failed); it stays in service. */
    record RunnerRemovalRefused(String runnerName, long drainId, String reason) implements PoolEvent {}

    /** The result of a {@link PoolCommand.ListInstances}. */
    record InstancesObserved(long operationId, List<ObservedInstance> instances) implements PoolEvent {
        public InstancesObserved {
            instances = List.copyOf(instances);
        }
    }

    /** A scale-set call finished. */
    record OperationSucceeded(long operationId) implements PoolEvent {}

    /** A scale-set call failed for good (after the shell's own retries). */
    record OperationFailed(long operationId, String reason) implements PoolEvent {}

    /**
     * Azure refused the capacity a capacity change asked for (vCPU quota, no allocation, SKU or
     * Spot capacity not offered): not a passing fault, so growth on the scale set backs off.
     *
     * @param code Azure's error code, e.g. {@code OperationNotAllowed}, {@code AllocationFailed}
     */
    record CapacityRefused(long operationId, String code, String reason) implements PoolEvent {}

    /**
     * GitHub's runners of this pool (reconcile). {@code listedAt} is when the listing was asked
     * for: only instances whose phase began before it are judged by it. This is also how the pool
     * learns that a busy runner went away (gone, or offline with no job) without its webhook.
     */
    record RunnersObserved(Instant listedAt, List<ObservedRunner> runners) implements PoolEvent {
        public RunnersObserved {
            runners = List.copyOf(runners);
        }
    }

    /** What the busy store holds for this pool (reconcile): busy runners and waiting jobs. */
    record MarkersObserved(Set<String> busyRunners, Set<Long> queuedJobs) implements PoolEvent {
        public MarkersObserved {
            busyRunners = Set.copyOf(busyRunners);
            queuedJobs = Set.copyOf(queuedJobs);
        }
    }

    /** Ask for a fresh listing of the scale set (start-up, reconcile). */
    record RefreshRequested() implements PoolEvent {}

    /**
     * Whether a scale set the pool prefers to this one takes new jobs now (it serves, is not
     * refusing capacity and has room): then this one keeps no free capacity and deletes its
     * instances after their jobs, so that the pool's capacity flows back to the preferred one.
     */
    record PreferenceChanged(boolean preferredElsewhere) implements PoolEvent {}

    /** Time passed: apply the time-based rules. */
    record Tick() implements PoolEvent {}

    /** An operator paused the scale set (no new capacity) or resumed it. */
    record PauseSet(boolean paused) implements PoolEvent {}

    /**
     * An operator overrode the sizing in force (null: not overridden; all null resets them). Checked
     * by the caller: {@code min <= max} when both are given.
     */
    record OverridesSet(Integer min, Integer max, Integer minIdle) implements PoolEvent {}

    /**
     * An operator asks to take this instance out of service: removed at GitHub first, then recycled
     * like any instance after its job. Only an idle or provisioning instance is drained; a busy one
     * never is.
     */
    record DrainRequested(String instanceId) implements PoolEvent {}

    /**
     * The runner's VM saw it online at GitHub (listening for jobs). Changes no rule: it tells
     * operators where a job's wait went, between the configuration and the job's start.
     */
    record RunnerOnline(String runnerName) implements PoolEvent {}
}
