package io.vmssrunnerscaler.runtime;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Drives the time-based rules and the reconcile loop from configuration. */
@ApplicationScoped
public class ScalerTicks {
    private final ScalerRuntime runtime;

    ScalerTicks(ScalerRuntime runtime) {
        this.runtime = runtime;
    }

    @Scheduled(every = "${scaler.tick-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (runtime.scaler() != null) {
            runtime.scaler().tick();
        }
    }

    @Scheduled(every = "${scaler.reconcile.interval:60s}", delayed = "${scaler.reconcile.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        if (runtime.scaler() != null) {
            runtime.scaler().reconcile();
        }
    }

    @Scheduled(every = "${scaler.github.redelivery.interval:60s}", delayed = "${scaler.github.redelivery.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void redeliver() {
        runtime.redeliverFailedDeliveries();
    }
}
