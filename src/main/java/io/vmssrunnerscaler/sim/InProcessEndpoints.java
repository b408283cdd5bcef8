package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.intake.ConfigAnswer;
import io.vmssrunnerscaler.intake.Intake;
import io.vmssrunnerscaler.intake.IntakeOutcome;
import io.vmssrunnerscaler.intake.WorkflowJob;
import java.util.Optional;

/** The simulator calling the scaler's intake directly, as in the virtual-clock benchmarks. */
public final class InProcessEndpoints implements ScalerEndpoints {
    private final Intake intake;

    public InProcessEndpoints(Intake intake) {
        this.intake = intake;
    }

    /** Intake's answer as the webhook endpoint gives it: 503 when the pool is overloaded, else 202. */
    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        IntakeOutcome outcome = intake.workflowJob(job);
        return Uni.createFrom().item(outcome instanceof IntakeOutcome.Overloaded ? 503 : 202);
    }

    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName) {
        return intake.requestRunnerConfig(runnerName).flatMap(answer -> {
            if (answer instanceof ConfigAnswer.Granted g) {
                return Uni.createFrom().item(Optional.of(g.jitConfig() != null ? g.jitConfig()
                        : new RunnerConfig(0, g.registration().token())));
            }
            ConfigRejection reason = ((ConfigAnswer.Rejected) answer).reason();
            return reason == ConfigRejection.UNKNOWN_INSTANCE
                    ? Uni.createFrom().item(Optional.<RunnerConfig>empty())
                    : Uni.createFrom().failure(new IllegalStateException(reason.name()));
        });
    }

    @Override
    public void jobStarted(String runnerName) {
        intake.runnerJobStarted(runnerName);
    }

    @Override
    public void jobCompleted(String runnerName) {
        intake.runnerJobFinishing(runnerName);
    }
}
