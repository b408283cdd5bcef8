package io.vmssrunnerscaler.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vmssrunnerscaler.scaleset.azure.ArmPolicy;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** Azure's throttling as counters, in azure mode: the local copy of the budget and the 429s it did not avoid. */
@ApplicationScoped
class ArmBudgetMetrics {
    private final ScalerRuntime runtime;
    private final MeterRegistry registry;

    ArmBudgetMetrics(ScalerRuntime runtime, MeterRegistry registry) {
        this.runtime = runtime;
        this.registry = registry;
    }

    void register(@Observes @Priority(3000) StartupEvent event) {
        if (runtime.throttle().isEmpty()) {
            return;
        }
        for (ArmPolicy policy : ArmPolicy.values()) {
            String name = policy.azureName();
            counter("scaler.arm.throttle.waits", "Calls that waited for the local copy of Azure's throttling budget",
                    name, b -> b.waits(policy));
            counter("scaler.arm.throttle.wait.seconds", "Time calls spent waiting for Azure's throttling budget",
                    name, b -> b.waited(policy).toNanos() / (double) TimeUnit.SECONDS.toNanos(1));
            counter("scaler.arm.throttled", "429 answers from Azure Resource Manager", name,
                    b -> b.throttledCalls(policy));
            counter("scaler.arm.budget.lowered",
                    "Times Azure's x-ms-ratelimit-remaining-resource figure lowered the local bucket (another caller spent it)",
                    name, b -> b.lowered(policy));
            counter("scaler.arm.budget.extra.charged",
                    "Tokens Azure charged beyond one per call (x-ms-request-charge)", name, b -> b.extraCharged(policy));
        }
    }

    /** Reads the budget of the running scaler: a start in place builds a new one. */
    private void counter(String name, String description, String policy, ToDoubleFunction<ThrottleBudget> value) {
        FunctionCounter.builder(name, runtime, r -> r.throttle().map(value::applyAsDouble).orElse(0.0))
                .description(description).tag("policy", policy).register(registry);
    }
}
