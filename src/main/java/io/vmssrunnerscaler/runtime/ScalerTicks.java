package io.vmssrunnerscaler.runtime;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Drives the time-based rules and the reconcile loop from configuration. Each skips while the
 * application is not running: the scheduler starts before the pools do, and a failed start must
 * end with its configuration message, not with a tick on a half-built runtime.
 */
@ApplicationScoped
public class ScalerTicks {
    private final ScalerRuntime runtime;

    ScalerTicks(ScalerRuntime runtime) {
        this.runtime = runtime;
    }

    @Scheduled(every = "${scaler.tick-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (runtime.scaler() != null) {
            runtime.scaler().tick();
        }
    }

    @Scheduled(every = "${scaler.reconcile.interval:60s}", delayed = "${scaler.reconcile.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reconcile() {
        if (runtime.scaler() != null) {
            runtime.scaler().reconcile();
        }
    }

    @Scheduled(every = "${scaler.github.redelivery.interval:60s}", delayed = "${scaler.github.redelivery.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void redeliver() {
        runtime.redeliverFailedDeliveries();
    }
}
