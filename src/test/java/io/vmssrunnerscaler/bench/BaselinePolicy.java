package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.intake.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.sim.ScalerEndpoints;
import io.vmssrunnerscaler.sim.SimWorld;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The design this project replaces, as a policy that drives the same simulated world as the scaler:
 * it learns only from the runners' job-started / job-completed hooks (webhooks are ignored, so queued
 * jobs are invisible), lists the whole scale set on every hook call, grows the scale set by one GET
 * and one capacity update, and re-images or deletes each finished instance by its own per-VM call.
 * Every call that fails - throttled or not - ends the handler there, with no retry, as the seed's
 * Flask handlers did ("only happy flow is handled"). A runner configuration is handed to any VM
 * that asks. Used only by the benchmarks.
 */
final class BaselinePolicy implements ScalerEndpoints {
    private final SimWorld world;
    private final Pool pool;
    private final BusyQueue busy;
    private long handlerFailures;

    BaselinePolicy(SimWorld world, Pool pool, Duration busyMessageTtl) {
        this.world = world;
        this.pool = pool;
        this.busy = new BusyQueue(busyMessageTtl);
    }

    /** The deployment creates the scale set with the pool's minimum (min >= 1: nothing else would start a job). */
    void start() {
        world.azure().setCapacity(pool.scaleSet(), Math.max(1, pool.spec().min())).subscribe().with(ok -> { },
                e -> handlerFailures++);
    }

    long handlerFailures() {
        return handlerFailures;
    }

    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        // The original design had no webhooks: nobody answers.
        return Uni.createFrom().item(0);
    }

    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName) {
        return world.gitHub().createRunnerConfig(pool.scope(), runnerName, pool.labels(), pool.runnerGroup())
                .map(Optional::of);
    }

    @Override
    public void jobStarted(String runnerName) {
        world.azure().list(pool.scaleSet())
                .flatMap(instances -> {
                    busy.add(runnerName, world.time().now());
                    int failed = failed(instances);
                    int capacity = BaselineRules.capacityOnStart(busy.count(world.time().now()), pool.spec().freePercent(),
                            pool.spec().max(), instances.size() - failed, failed);
                    if (capacity < 0) {
                        return Uni.createFrom().voidItem();
                    }
                    return world.azure().capacity(pool.scaleSet())
                            .flatMap(current -> world.azure().setCapacity(pool.scaleSet(), capacity));
                })
                .subscribe().with(ok -> { }, e -> handlerFailures++);
    }

    @Override
    public void jobCompleted(String runnerName) {
        world.azure().list(pool.scaleSet())
                .flatMap(instances -> {
                    busy.delete(runnerName);
                    Optional<ObservedInstance> self = instances.stream().filter(i -> runnerName.equals(i.name())).findFirst();
                    if (self.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    int nonFailed = instances.size() - failed(instances);
                    BaselineRules.AfterJob action = BaselineRules.afterJob(busy.count(world.time().now()),
                            pool.spec().freePercent(), pool.spec().min(), pool.spec().max(), nonFailed);
                    String id = self.get().instanceId();
                    return action == BaselineRules.AfterJob.REIMAGE
                            ? world.azure().reimageInstance(pool.scaleSet(), id)
                            : world.azure().deleteInstance(pool.scaleSet(), id);
                })
                .subscribe().with(ok -> { }, e -> handlerFailures++);
    }

    private static int failed(List<ObservedInstance> instances) {
        return (int) instances.stream().filter(i -> i.state() == ProvisioningState.FAILED).count();
    }
}
