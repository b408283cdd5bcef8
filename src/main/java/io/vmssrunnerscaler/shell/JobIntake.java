package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.WorkflowJob;

/**
 * The scaler's entry points for what arrives over HTTP: a checked {@code workflow_job} delivery, a
 * runner VM asking for its configuration, a runner's hooks. Each answers at once; the pool loops
 * do the work.
 */
public interface JobIntake {

    IntakeOutcome workflowJob(WorkflowJob job);

    IntakeOutcome runnerJobStarted(RunnerIdentity runner);

    IntakeOutcome runnerJobFinishing(RunnerIdentity runner);

    /** Grants a one-time configuration to a freshly (re)imaged instance, at most once. */
    Uni<ConfigAnswer> requestRunnerConfig(String runnerName);
}
