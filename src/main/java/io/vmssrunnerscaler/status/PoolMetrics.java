package io.vmssrunnerscaler.status;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import io.vmssrunnerscaler.engine.Sizing;
import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.PoolLoop;
import io.vmssrunnerscaler.shell.WaitingJob;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Each pool's state as gauges, read from the loop's latest snapshot when scraped (no locks, no
 * calls). Registered once the scaler has started; each is looked up on every scrape, as a start in
 * place replaces the loops.
 */
@ApplicationScoped
public class PoolMetrics {
    private final PoolDirectory directory;
    private final MeterRegistry registry;

    PoolMetrics(PoolDirectory directory, MeterRegistry registry) {
        this.directory = directory;
        this.registry = registry;
    }

    void register(@Observes @Priority(3000) StartupEvent event) {
        for (PoolLoop loop : directory.loops()) {
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
            gauge("scaler.pool.idle.target", "Idle runners kept ready: min-idle or the adaptive target", pool,
                    s -> s.idleTarget().value());
            for (var limit : Map.<String, ToDoubleFunction<Sizing>>of("min", Sizing::min, "min_idle", Sizing::minIdle,
                    "max", Sizing::max, "free_percent", Sizing::freePercent).entrySet()) {
                gauge("scaler.pool.sizing", "The pool's sizing in force (its schedule period's, or its own)", pool,
                        s -> limit.getValue().applyAsDouble(s.sizing()), "limit", limit.getKey());
            }
            for (SchedulePeriod period : loop.pool().spec().schedule()) {
                gauge("scaler.pool.schedule.active", "1 while this schedule period is in force, else 0", pool,
                        s -> period.id().equals(s.sizing().period()) ? 1 : 0, "period", period.id());
            }
            gauge("scaler.pool.oldest.waiting.seconds", "How long the oldest waiting job has waited; 0 when none", pool,
                    s -> s.queued().values().stream().map(PoolState.QueuedJob::since).min(Instant::compareTo)
                            .map(since -> Math.max(0, Duration.between(since, Instant.now()).toMillis()) / 1000.0)
                            .orElse(0.0));
            gauge("scaler.pool.paused", "1 while an operator has paused the scale set, else 0", pool,
                    s -> s.paused() ? 1 : 0);
            for (String stage : List.of(WaitingJob.CAPACITY, WaitingJob.PROVISIONING, WaitingJob.BOOTING,
                    WaitingJob.REGISTERING, WaitingJob.ASSIGNING)) {
                Gauge.builder("scaler.pool.waiting.jobs", directory, d -> d.waitingJobs(pool).stream()
                                .filter(w -> w.stage().equals(stage)).count())
                        .description("Waiting jobs by the stage they are in").tag("pool", pool).tag("stage", stage)
                        .register(registry);
            }
            gauge("scaler.pool.capacity.refusals.in.a.row",
                    "Capacity changes Azure refused since the last that succeeded (growth backs off while above 0)", pool,
                    s -> s.growthRefusal().map(PoolState.GrowthRefusal::inARow).orElse(0));
            gauge("scaler.pool.operations.in.flight", "Scale-set and GitHub calls awaiting an answer", pool,
                    s -> s.operations().size());
            FunctionCounter.builder("scaler.store.write.failures", directory, d -> d.loop(pool).map(PoolLoop::storeWriteFailures)
                            .orElse(0L))
                    .description("Busy-store writes that failed; the reconcile loop repairs them")
                    .tag("pool", pool).register(registry);
        }
    }

    private void gauge(String name, String description, String pool, ToDoubleFunction<PoolState> value, String... tags) {
        Gauge.builder(name, directory, d -> d.loop(pool).map(l -> value.applyAsDouble(l.state())).orElse(Double.NaN))
                .description(description).tag("pool", pool).tags(tags).register(registry);
    }
}
