package io.vmssrunnerscaler.runtime;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.shell.ConfigAnswer;
import io.vmssrunnerscaler.shell.Intake;
import io.vmssrunnerscaler.shell.IntakeOutcome;
import io.vmssrunnerscaler.shell.RunnerIdentity;
import io.vmssrunnerscaler.sim.ScalerEndpoints;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulator calling the scaler's intake directly, as in the virtual-clock benchmarks. Like a VM
 * keeping its hook token, it keeps who each runner is from its configuration, and names it on the
 * runner's hooks.
 */
public final class InProcessEndpoints implements ScalerEndpoints {
    private final Intake intake;
    private final Map<String, RunnerIdentity> configured = new ConcurrentHashMap<>();

    public InProcessEndpoints(Intake intake) {
        this.intake = intake;
    }

    /** Intake's answer as the webhook endpoint gives it: 503 when the pool is overloaded, else 202. */
    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        IntakeOutcome outcome = intake.workflowJob(job);
        return Uni.createFrom().item(outcome instanceof IntakeOutcome.Overloaded ? 503 : 202);
    }

    /**
     * Without an attested document: the virtual-clock runs measure scaling, and the HTTP path
     * ({@code HttpEndpoints}) is where the simulator proves its VMs' identity.
     */
    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
        return intake.requestRunnerConfig(runnerName).flatMap(answer -> {
            if (answer instanceof ConfigAnswer.Granted g) {
                configured.put(runnerName, g.runner());
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
    public void runnerOnline(String runnerName) {
        Optional.ofNullable(configured.get(runnerName)).ifPresent(intake::runnerOnline);
    }

    @Override
    public void jobStarted(String runnerName) {
        Optional.ofNullable(configured.get(runnerName)).ifPresent(intake::runnerJobStarted);
    }

    @Override
    public void jobCompleted(String runnerName) {
        Optional.ofNullable(configured.get(runnerName)).ifPresent(intake::runnerJobFinishing);
    }

    /** Like a hook: only a VM that got its configuration (and so its hook token) can tell. */
    @Override
    public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
        Optional.ofNullable(configured.get(runnerName)).ifPresent(runner -> intake.instanceEvicted(runner, kind));
    }
}
