package io.vmssrunnerscaler.runtime;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.shell.AdminOutcome;
import io.vmssrunnerscaler.shell.ConfigAnswer;
import io.vmssrunnerscaler.shell.Convergence;
import io.vmssrunnerscaler.shell.IntakeOutcome;
import io.vmssrunnerscaler.shell.JobIntake;
import io.vmssrunnerscaler.shell.JobJourneys;
import io.vmssrunnerscaler.shell.LostJobs;
import io.vmssrunnerscaler.shell.PoolAdmin;
import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.PoolLoop;
import io.vmssrunnerscaler.shell.Reconciler;
import io.vmssrunnerscaler.shell.RunnerIdentity;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.SpanningPool;
import io.vmssrunnerscaler.shell.UnservedDemand;
import io.vmssrunnerscaler.shell.WaitingJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The shell's entry points as CDI beans, for the HTTP side: each call goes to the scaler running
 * now (a start in place replaces it). Before the first start, intake answers "overloaded" (retry)
 * and the directory is empty.
 */
@ApplicationScoped
class RunningScaler implements JobIntake, PoolDirectory, PoolAdmin {
    private static final String STARTING = "(starting)";
    private final ScalerRuntime runtime;

    RunningScaler(ScalerRuntime runtime) {
        this.runtime = runtime;
    }

    private Optional<Scaler> scaler() {
        return Optional.ofNullable(runtime.scaler());
    }

    @Override
    public IntakeOutcome workflowJob(WorkflowJob job) {
        return scaler().map(s -> s.intake().workflowJob(job)).orElseGet(() -> new IntakeOutcome.Overloaded(STARTING));
    }

    @Override
    public IntakeOutcome runnerJobStarted(RunnerIdentity runner) {
        return scaler().map(s -> s.intake().runnerJobStarted(runner)).orElseGet(() -> new IntakeOutcome.Overloaded(STARTING));
    }

    @Override
    public IntakeOutcome runnerJobFinishing(RunnerIdentity runner) {
        return scaler().map(s -> s.intake().runnerJobFinishing(runner)).orElseGet(() -> new IntakeOutcome.Overloaded(STARTING));
    }

    @Override
    public IntakeOutcome runnerOnline(RunnerIdentity runner) {
        return scaler().map(s -> s.intake().runnerOnline(runner)).orElseGet(() -> new IntakeOutcome.Overloaded(STARTING));
    }

    @Override
    public IntakeOutcome instanceEvicted(RunnerIdentity runner, PoolEvent.EvictionKind kind) {
        return scaler().map(s -> s.intake().instanceEvicted(runner, kind)).orElseGet(() -> new IntakeOutcome.Overloaded(STARTING));
    }

    @Override
    public Uni<ConfigAnswer> requestRunnerConfig(String runnerName, AttestedInstance proof) {
        return scaler().map(s -> s.intake().requestRunnerConfig(runnerName, proof))
                .orElseGet(() -> Uni.createFrom().failure(new PoolLoop.InboxFullException(STARTING)));
    }

    @Override
    public List<SpanningPool> pools() {
        return scaler().map(Scaler::pools).orElse(List.of());
    }

    @Override
    public List<PoolLoop> loops() {
        return scaler().map(Scaler::loops).orElse(List.of());
    }

    @Override
    public Optional<PoolLoop> loop(String name) {
        return scaler().flatMap(s -> s.loop(name));
    }

    @Override
    public boolean busyRestored() {
        return scaler().map(Scaler::busyRestored).orElse(false);
    }

    @Override
    public Optional<Reconciler.GitHubStatus> gitHubStatus() {
        return scaler().flatMap(Scaler::gitHubStatus);
    }

    @Override
    public List<LostJobs.LostJob> lostJobs(String loop) {
        return scaler().map(s -> s.lostJobs(loop)).orElse(List.of());
    }

    @Override
    public Uni<AdminOutcome> pause(String name, boolean paused) {
        return scaler().map(s -> s.pause(name, paused)).orElseGet(RunningScaler::starting);
    }

    @Override
    public Uni<AdminOutcome> override(String name, Integer min, Integer max, Integer minIdle) {
        return scaler().map(s -> s.override(name, min, max, minIdle)).orElseGet(RunningScaler::starting);
    }

    @Override
    public Uni<AdminOutcome> drain(String name, String instanceId) {
        return scaler().map(s -> s.drain(name, instanceId)).orElseGet(RunningScaler::starting);
    }

    private static Uni<AdminOutcome> starting() {
        return Uni.createFrom().item(new AdminOutcome.Unavailable("the scaler is starting; retry"));
    }

    @Override
    public List<WaitingJob> waitingJobs(String loop) {
        return scaler().map(s -> s.waitingJobs(loop)).orElse(List.of());
    }

    @Override
    public Optional<Convergence> convergence(String loop) {
        return scaler().flatMap(s -> s.convergence(loop));
    }

    @Override
    public List<UnservedDemand.LabelSet> unservedDemand() {
        return scaler().map(Scaler::unservedDemand).orElse(List.of());
    }

    @Override
    public JobJourneys.PoolLatency latency(String pool) {
        return scaler().map(s -> s.latency(pool)).orElseGet(() -> new JobJourneys.PoolLatency(pool, 0, List.of(), List.of()));
    }

    @Override
    public Optional<String> busyStoreProblem() {
        return scaler().flatMap(Scaler::busyStoreProblem);
    }
}
