package io.vmssrunnerscaler.status;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import io.vmssrunnerscaler.scaleset.azure.ArmPolicy;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import io.vmssrunnerscaler.shell.PoolLoop;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Each pool's state as gauges, read from the loop's latest snapshot when scraped (no locks, no
 * calls), and Azure's throttling as counters. Registered once the scaler has started.
 */
@ApplicationScoped
public class PoolMetrics {
    private final ScalerRuntime runtime;
    private final MeterRegistry registry;

    PoolMetrics(ScalerRuntime runtime, MeterRegistry registry) {
        this.runtime = runtime;
        this.registry = registry;
    }

    void register(@Observes @Priority(3000) StartupEvent event) {
        if (runtime.scaler() == null) {
            return;
        }
        for (PoolLoop loop : runtime.scaler().loops()) {
            String pool = loop.pool().name();
            for (Phase phase : Phase.values()) {
                gauge("scaler.pool.instances", "Instances of the pool's scale set by lifecycle phase", pool,
                        s -> s.instances().values().stream().filter(i -> i.phase() == phase).count(),
                        "phase", phase.name().toLowerCase(Locale.ROOT));
            }
            gauge("scaler.pool.busy", "Runners running a job", pool, PoolState::busy);
            gauge("scaler.pool.queued", "Jobs waiting for a runner", pool, s -> s.queued().size());
            gauge("scaler.pool.desired", "The size the pool should have now", pool, PoolState::desired);
            gauge("scaler.pool.live", "Instances serving or about to", pool, PoolState::live);
            gauge("scaler.pool.capacity.refusals.in.a.row",
                    "Capacity changes Azure refused since the last that succeeded (growth backs off while above 0)", pool,
                    s -> s.growthRefusal().map(PoolState.GrowthRefusal::inARow).orElse(0));
            gauge("scaler.pool.operations.in.flight", "Scale-set and GitHub calls awaiting an answer", pool,
                    s -> s.operations().size());
            FunctionCounter.builder("scaler.store.write.failures", runtime, r -> loopOf(r, pool) == null ? 0
                            : loopOf(r, pool).storeWriteFailures())
                    .description("Busy-store writes that failed; the reconcile loop repairs them")
                    .tag("pool", pool).register(registry);
        }
        if (runtime.throttle().isEmpty()) {
            return;
        }
        for (ArmPolicy policy : ArmPolicy.values()) {
            String name = policy.azureName();
            throttleCounter("scaler.arm.throttle.waits", "Calls that waited for the local copy of Azure's throttling budget",
                    name, b -> b.waits(policy));
            throttleCounter("scaler.arm.throttle.wait.seconds", "Time calls spent waiting for Azure's throttling budget",
                    name, b -> b.waited(policy).toNanos() / (double) TimeUnit.SECONDS.toNanos(1));
            throttleCounter("scaler.arm.throttled", "429 answers from Azure Resource Manager", name,
                    b -> b.throttledCalls(policy));
            throttleCounter("scaler.arm.budget.lowered",
                    "Times Azure's x-ms-ratelimit-remaining-resource figure lowered the local bucket (another caller spent it)",
                    name, b -> b.lowered(policy));
            throttleCounter("scaler.arm.budget.extra.charged",
                    "Tokens Azure charged beyond one per call (x-ms-request-charge)", name, b -> b.extraCharged(policy));
        }
    }

    /** Reads the budget of the running scaler: a restart in place builds a new one. */
    private void throttleCounter(String name, String description, String policy, ToDoubleFunction<ThrottleBudget> value) {
        FunctionCounter.builder(name, runtime, r -> r.throttle().map(value::applyAsDouble).orElse(0.0))
                .description(description).tag("policy", policy).register(registry);
    }

    private void gauge(String name, String description, String pool, ToDoubleFunction<PoolState> value, String... tags) {
        Gauge.builder(name, runtime, r -> {
                    PoolLoop loop = loopOf(r, pool);
                    return loop == null ? Double.NaN : value.applyAsDouble(loop.state());
                })
                .description(description).tag("pool", pool).tags(tags).register(registry);
    }

    /** Looked up on every scrape: the loops are replaced when the scaler restarts. */
    private static PoolLoop loopOf(ScalerRuntime runtime, String pool) {
        return runtime.scaler() == null ? null : runtime.scaler().loop(pool).orElse(null);
    }
}
