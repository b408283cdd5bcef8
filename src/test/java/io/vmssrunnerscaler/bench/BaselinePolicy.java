package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.sim.ScalerEndpoints;
import io.vmssrunnerscaler.sim.SimWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The design this project replaces, as a policy that drives the same simulated world as the scaler:
 * it learns only from the runners' job-started / job-completed hooks (webhooks are ignored, so queued
 * jobs are invisible), lists the whole scale set on every hook call, grows the scale set by one GET
 * and one capacity update, and re-images or deletes each finished instance by its own per-VM call,
 * from the job-completed hook. A runner configuration is handed to any VM that asks. Its counts are
 * the seed's: every listed instance that has not failed counts, Deleting ones included.
 *
 * <p>Two behaviours ({@link Behaviour}):
 * <ul>
 * <li>{@link Behaviour#AS_DEPLOYED} (label {@code baseline}): the seed as it really ran on Azure. Its
 * Python SDK retried a 429 after sleeping Retry-After (3 tries in all, {@link SdkRetry}); a per-VM
 * re-image or delete takes the VM down some seconds after the call, so the runner's final report
 * (1 s after the hook in the simulator) usually gets out first; and Azure applies a capacity
 * without the instances whose delete it accepted ({@link AzureCounted}). Any other failure still
 * ends the handler ("only happy flow is handled").</li>
 * <li>{@link Behaviour#NAIVE} (label {@code baseline-naive}): the first model of issue 6 - every
 * failed call ends the handler with no retry, the VM goes down at the call, and capacity is the
 * simulator's count. Kept to show how much of the baseline's failure came from those shortcuts.</li>
 * </ul>
 * Used only by the benchmarks.
 */
final class BaselinePolicy implements ScalerEndpoints {
    /**
     * How the original design met Azure.
     *
     * @param tries         tries per call when Azure answers 429 (1: none repeated)
     * @param takedownDelay from a per-VM re-image or delete call to its VM going down
     * @param azureCapacity capacity as Azure counts it (accepted deletes no longer count)
     */
    record Behaviour(int tries, Duration takedownDelay, boolean azureCapacity) {
        static final Behaviour NAIVE = new Behaviour(1, Duration.ZERO, false);

        static Behaviour asDeployed(Duration takedownDelay) {
            return new Behaviour(SdkRetry.DEFAULT_TRIES, takedownDelay, true);
        }
    }

    private final SimWorld world;
    private final Pool pool;
    private final BusyQueue busy;
    private final Behaviour behaviour;
    private final AzureCounted azure;
    private final SdkRetry sdk;
    private long handlerFailures;

    BaselinePolicy(SimWorld world, Pool pool, Duration busyMessageTtl, Behaviour behaviour, AzureCounted azure) {
        this.world = world;
        this.pool = pool;
        this.busy = new BusyQueue(busyMessageTtl);
        this.behaviour = behaviour;
        this.azure = azure;
        this.sdk = new SdkRetry(world.time(), behaviour.tries());
    }

    /** The deployment creates the scale set with the pool's minimum (min >= 1: nothing else would start a job). */
    void start() {
        sdk.call(() -> setCapacity(Math.max(1, pool.spec().min()))).subscribe().with(ok -> { }, e -> handlerFailures++);
    }

    long handlerFailures() {
        return handlerFailures;
    }

    /** 429s the SDK slept on and tried again. */
    long sdkRetries() {
        return sdk.retries();
    }

    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        // The original design had no webhooks: nobody answers.
        return Uni.createFrom().item(0);
    }

    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
        return world.gitHub().createRunnerConfig(pool.scope(), runnerName, pool.labels(), pool.runnerGroup())
                .map(Optional::of);
    }

    @Override
    public void jobStarted(String runnerName) {
        sdk.call(() -> world.azure().list(pool.scaleSet()))
                .flatMap(instances -> {
                    busy.add(runnerName, world.time().now());
                    int failed = failed(instances);
                    int capacity = BaselineRules.capacityOnStart(busy.count(world.time().now()), pool.spec().freePercent(),
                            pool.spec().max(), instances.size() - failed, failed);
                    if (capacity < 0) {
                        return Uni.createFrom().voidItem();
                    }
                    return sdk.call(() -> world.azure().capacity(pool.scaleSet()))
                            .flatMap(current -> sdk.call(() -> setCapacity(capacity)));
                })
                .subscribe().with(ok -> { }, e -> handlerFailures++);
    }

    /** The original design does not watch Azure's scheduled events: it hears of no eviction. */
    @Override
    public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
    }

    @Override
    public void jobCompleted(String runnerName) {
        sdk.call(() -> world.azure().list(pool.scaleSet()))
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
                    return later(behaviour.takedownDelay(), () -> sdk.call(() -> action == BaselineRules.AfterJob.REIMAGE
                            ? azure.reimageInstance(pool.scaleSet(), id)
                            : azure.deleteInstance(pool.scaleSet(), id)));
                })
                .subscribe().with(ok -> { }, e -> handlerFailures++);
    }

    private Uni<Void> setCapacity(int capacity) {
        return behaviour.azureCapacity() ? azure.setCapacity(pool.scaleSet(), capacity)
                : world.azure().setCapacity(pool.scaleSet(), capacity);
    }

    /**
     * The call as the simulator sees it, {@code delay} after it was made: the simulator takes a VM
     * down the moment it accepts a re-image or delete, Azure some seconds later. The call's token is
     * charged that much later too, which moves its bucket's refill by seconds, not tokens.
     */
    private <T> Uni<T> later(Duration delay, Supplier<Uni<T>> call) {
        if (delay.isZero()) {
            return call.get();
        }
        return Uni.createFrom().<Boolean>emitter(e -> world.time().schedule(delay, () -> e.complete(Boolean.TRUE)))
                .flatMap(x -> call.get());
    }

    private static int failed(List<ObservedInstance> instances) {
        return (int) instances.stream().filter(i -> i.state() == ProvisioningState.FAILED).count();
    }
}
