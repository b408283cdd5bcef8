package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.intake.ConfigAnswer;
import io.vmssrunnerscaler.intake.Intake;
import io.vmssrunnerscaler.intake.WorkflowJob;
import java.util.Optional;

/** The simulator calling the scaler's intake directly, as in the virtual-clock benchmarks. */
public final class InProcessEndpoints implements ScalerEndpoints {
    private final Intake intake;

    public InProcessEndpoints(Intake intake) {
        this.intake = intake;
    }

    @Override
    public void deliver(WorkflowJob job) {
        intake.workflowJob(job);
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
