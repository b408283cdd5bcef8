package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.CallAllowance;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.ArmPolicy;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSet;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import io.vmssrunnerscaler.time.TimeSource;
import io.vmssrunnerscaler.sim.SimulatedThrottled;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The scaler's scale-set port as it runs against Azure, on the simulator: every call first waits for
 * the production {@link ThrottleBudget} (Azure's limits, one token of headroom), a 429 blocks the
 * local bucket and is retried after its Retry-After, at most {@code maxAttempts} tries and never
 * waiting longer than {@code maxWait} - what {@code scaleset.azure.ThrottlingPolicy} does per HTTP
 * request, with the same charges as {@code ArmCall} (capacity and batch re-image: Update VMSS;
 * batch delete: Delete VMSS VMs; listing: High-cost Get). The ARC peer ({@link PeerPolicy}) goes
 * through it too, so that both wait for Azure's buckets the same way. Benchmarks only.
 */
final class BudgetedScaleSet implements ScaleSetPort {
    private final ScaleSetPort azure;
    private final TimeSource time;
    private final ThrottleBudget budget;
    private final Duration maxWait;
    private final int maxAttempts;
    private long localRefusals;

    BudgetedScaleSet(ScaleSetPort azure, TimeSource time, Duration maxWait, int maxAttempts) {
        this.azure = azure;
        this.time = time;
        this.budget = ThrottleBudget.azure(time.asClock());
        this.maxWait = maxWait;
        this.maxAttempts = maxAttempts;
    }

    /** Calls refused locally because the budget wait would exceed maxWait (the engine then backs off). */
    long localRefusals() {
        return localRefusals;
    }

    @Override
    public Uni<List<ObservedInstance>> list(ScaleSetRef ref) {
        return budgeted(ref, ArmPolicy.HIGH_COST_GET_VMSS, () -> azure.list(ref), 1);
    }

    @Override
    public Uni<Void> setCapacity(ScaleSetRef ref, int capacity) {
        return budgeted(ref, ArmPolicy.UPDATE_VMSS, () -> azure.setCapacity(ref, capacity), 1);
    }

    @Override
    public Uni<Void> reimage(ScaleSetRef ref, List<String> instanceIds) {
        return budgeted(ref, ArmPolicy.UPDATE_VMSS, () -> azure.reimage(ref, instanceIds), 1);
    }

    @Override
    public Uni<Void> delete(ScaleSetRef ref, List<String> instanceIds) {
        return budgeted(ref, ArmPolicy.DELETE_VMSS_VMS, () -> azure.delete(ref, instanceIds), 1);
    }

    @Override
    public CallAllowance allowance(ScaleSetRef ref, Operation.Kind kind) {
        return AzureScaleSet.policy(kind).map(p -> budget.allowance(ref.name(), p)).orElse(CallAllowance.UNLIMITED);
    }

    private <T> Uni<T> budgeted(ScaleSetRef ref, ArmPolicy policy, Supplier<Uni<T>> call, int attempt) {
        return Uni.createFrom().deferred(() -> {
            ThrottleBudget.Reservation r = budget.reserve(ref.name(), policy, maxWait);
            if (!r.granted()) {
                localRefusals++;
                return Uni.createFrom().failure(new IllegalStateException(
                        "local budget for " + policy.azureName() + " exhausted for " + r.delay().toSeconds() + " s"));
            }
            return after(r.delay()).flatMap(x -> call.get()).onFailure(SimulatedThrottled.class).recoverWithUni(e -> {
                Duration retryAfter = ((SimulatedThrottled) e).retryAfter();
                budget.throttled(ref.name(), policy, retryAfter);
                if (attempt >= maxAttempts || retryAfter.compareTo(maxWait) > 0) {
                    return Uni.createFrom().failure(e);
                }
                return after(retryAfter).flatMap(x -> budgeted(ref, policy, call, attempt + 1));
            });
        });
    }

    private Uni<Boolean> after(Duration delay) {
        return Uni.createFrom().emitter(e -> time.schedule(delay, () -> e.complete(Boolean.TRUE)));
    }
}
