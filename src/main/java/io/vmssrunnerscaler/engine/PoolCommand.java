package io.vmssrunnerscaler.engine;

/** What the engine asks the shell to do. */
public sealed interface PoolCommand {

    /** Commands that are scale-set calls carry the operation the engine tracks them by. */
    sealed interface ScaleSetCall extends PoolCommand {
        Operation operation();
    }

    /** Raise the scale set's capacity. The engine only ever grows capacity this way. */
    record SetCapacity(Operation operation) implements ScaleSetCall {}

    record ReimageInstances(Operation operation) implements ScaleSetCall {}

    record DeleteInstances(Operation operation) implements ScaleSetCall {}

    record ListInstances(Operation operation) implements ScaleSetCall {}

    /**
     * Record in the busy store that this runner runs a job (upsert by runner name).
     *
     * @param repository the job's {@code owner/name}, empty when not known
     */
    record MarkBusy(String runnerName, String instanceId, long jobId, String repository, java.time.Instant since)
            implements PoolCommand {
        /** For a job whose repository is not known. */
        public MarkBusy(String runnerName, String instanceId, long jobId, java.time.Instant since) {
            this(runnerName, instanceId, jobId, "", since);
        }
    }

    /** Remove the runner's busy marker: its VM has been re-imaged or deleted (or is gone). */
    record ClearBusy(String runnerName) implements PoolCommand {}

    /** Record in the store that this job waits for a runner, so that a restart still counts it. */
    record RememberQueued(long jobId, String repository, java.time.Instant since) implements PoolCommand {}

    /** The job no longer waits: remove it from the store. */
    record ForgetQueued(long jobId) implements PoolCommand {}

    /**
     * Remove a runner GitHub still lists although no instance of the pool is behind it, or whose
     * VM Azure is taking away. Not answered: GitHub refuses while the runner still holds a job,
     * and the next reconcile removes it once it is offline.
     */
    record RemoveStaleRunner(String runnerName) implements PoolCommand {}

    /**
     * Remove this idle runner at GitHub before its VM is deleted; answered by RunnerRemoved /
     * RunnerRemovalRefused carrying the same drain operation id.
     */
    record RemoveRunner(String runnerName, long drainId) implements PoolCommand {}

    /**
     * A job was lost with its runner: the runner's VM was evicted, left the scale set, or its
     * runner went offline while it held the job. The shell records it and, if the pool asks for
     * it, has GitHub run it again once its run is over.
     *
     * @param jobId the job, 0 when its id is not known yet (its runner's hook came before GitHub's
     *     {@code in_progress} delivery)
     * @param repository its {@code owner/name}, empty when not known
     */
    record JobLost(long jobId, String repository, String runnerName, LostReason reason) implements PoolCommand {}

    /** Why a job was lost. */
    enum LostReason {
        /** Azure announced it takes the VM away (Spot eviction or termination). */
        EVICTED,
        /** The instance left the scale set without this scaler deleting it. */
        VANISHED,
        /** GitHub shows the runner offline (or gone) although it never reported the job's end. */
        RUNNER_OFFLINE
    }

    /** The runner may have its one-time configuration. */
    record GrantRunnerConfig(String runnerName, String instanceId) implements PoolCommand {}

    /** The runner may not have a configuration, and why. */
    record RejectRunnerConfig(String runnerName, ConfigRejection reason) implements PoolCommand {}

    enum ConfigRejection {
        /** No such instance in this pool (yet): the caller should retry after a refresh. */
        UNKNOWN_INSTANCE,
        /** A configuration was already handed out since the last (re)image. */
        ALREADY_CONFIGURED,
        /** The instance is not in a phase in which a runner may start. */
        NOT_PROVISIONING,
        /** The caller proved it is another VM than the one behind the named instance. */
        WRONG_VM,
        /** No listing has shown the instance's VM id yet, so no proof can be matched: retry after a refresh. */
        VM_ID_NOT_LISTED
    }
}
