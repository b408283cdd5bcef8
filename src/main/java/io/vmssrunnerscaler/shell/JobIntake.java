package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.identity.AttestedInstance;

/**
 * The scaler's entry points for what arrives over HTTP: a checked {@code workflow_job} delivery, a
 * runner VM asking for its configuration, a runner's hooks. Each answers at once; the pool loops
 * do the work.
 */
public interface JobIntake {

    IntakeOutcome workflowJob(WorkflowJob job);

    IntakeOutcome runnerJobStarted(RunnerIdentity runner);

    IntakeOutcome runnerJobFinishing(RunnerIdentity runner);

    /** The runner's VM saw it online at GitHub (listening for jobs). */
    IntakeOutcome runnerOnline(RunnerIdentity runner);

    /** The runner's VM announces that Azure takes it away (a Spot eviction or a termination). */
    IntakeOutcome instanceEvicted(RunnerIdentity runner, io.vmssrunnerscaler.engine.PoolEvent.EvictionKind kind);

    /**
     * Grants a one-time configuration to a freshly (re)imaged instance, at most once.
     *
     * @param proof what the caller proved with an attested document (checked already); null in
     *     network-only mode. With one, only the VM it names gets the instance's configuration.
     */
    Uni<ConfigAnswer> requestRunnerConfig(String runnerName, AttestedInstance proof);
}
