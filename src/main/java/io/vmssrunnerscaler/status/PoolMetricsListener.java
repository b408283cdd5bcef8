package io.vmssrunnerscaler.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.shell.PoolListener;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Counts each pool's scale-set and GitHub operations by kind and outcome, and times how long jobs
 * waited from queued to a runner starting them. Reads only the decision it is handed.
 */
public final class PoolMetricsListener implements PoolListener {
    private final String pool;
    private final MeterRegistry registry;
    private final TimeSource time;
    private final Timer jobWait;

    public PoolMetricsListener(String pool, MeterRegistry registry, TimeSource time) {
        this.pool = pool;
        this.registry = registry;
        this.time = time;
        this.jobWait = Timer.builder("scaler.job.wait")
                .description("From a job first seen queued to a runner starting it")
                .tag("pool", pool)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    @Override
    public void decided(PoolState before, PoolEvent event, Decision decision) {
        if (event instanceof PoolEvent.OperationSucceeded e) {
            operation(before, e.operationId()).ifPresent(k -> count(k, "succeeded"));
        } else if (event instanceof PoolEvent.OperationFailed e) {
            operation(before, e.operationId()).ifPresent(k -> count(k, "failed"));
        } else if (event instanceof PoolEvent.CapacityRefused e) {
            operation(before, e.operationId()).ifPresent(k -> count(k, "refused"));
            registry.counter("scaler.capacity.refusals", "pool", pool, "code", e.code()).increment();
        } else if (event instanceof PoolEvent.InstancesObserved e) {
            operation(before, e.operationId()).ifPresent(k -> count(k, "succeeded"));
        } else if (event instanceof PoolEvent.RunnerRemoved e) {
            operation(before, e.drainId()).ifPresent(k -> count(k, "succeeded"));
        } else if (event instanceof PoolEvent.RunnerRemovalRefused e) {
            operation(before, e.drainId()).ifPresent(k -> count(k, "refused"));
        } else if (event instanceof PoolEvent.InstanceEvicted e) {
            if (before.byName(e.runnerName()).map(i -> i.phase() != Phase.EVICTED).orElse(false)
                    && decision.state().byName(e.runnerName()).map(i -> i.phase() == Phase.EVICTED).orElse(false)) {
                registry.counter("scaler.evictions", "pool", pool, "kind", e.kind().name().toLowerCase(Locale.ROOT))
                        .increment();
            }
        } else if (event instanceof PoolEvent.JobStarted e) {
            PoolState.QueuedJob queued = before.queued().get(e.jobId());
            if (queued != null && !decision.state().queued().containsKey(e.jobId())) {
                jobWait.record(Duration.between(queued.since(), time.now()));
            }
        }
    }

    private static Optional<Operation.Kind> operation(PoolState before, long id) {
        return before.operations().stream().filter(o -> o.id() == id).map(Operation::kind).findFirst();
    }

    private void count(Operation.Kind kind, String outcome) {
        registry.counter("scaler.operations", "pool", pool, "kind", kind.name().toLowerCase(Locale.ROOT),
                "outcome", outcome).increment();
    }
}
