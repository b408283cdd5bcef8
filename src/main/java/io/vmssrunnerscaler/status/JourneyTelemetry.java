package io.vmssrunnerscaler.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vmssrunnerscaler.shell.JobJourney;
import io.vmssrunnerscaler.shell.JobStage;
import io.vmssrunnerscaler.shell.JourneyObserver;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each job's time went, for operators' tools: a histogram per pool and stage
 * ({@code scaler_job_stage_seconds}), and one trace per job once its instance is recycled, with a
 * span per stage and the scale-set calls made meanwhile as spans under the stage they began in. The
 * spans carry the stages' real times, so a trace is written after the fact without a span kept
 * open for hours. Traces go nowhere unless OpenTelemetry is switched on (README, "Traces").
 */
@ApplicationScoped
public class JourneyTelemetry implements JourneyObserver {
    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    JourneyTelemetry(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
    }

    @Override
    public void stage(String pool, JobStage stage, Duration took) {
        timers.computeIfAbsent(pool + "\n" + stage.tag(), k -> Timer.builder("scaler.job.stage")
                .description("Time a job spent in each stage, from GitHub creating it to its instance being recycled")
                .tag("pool", pool).tag("stage", stage.tag())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(6))
                .register(registry)).record(took);
    }

    @Override
    public void ended(JobJourney journey) {
        Span job = tracer.spanBuilder("job " + journey.jobId()).setNoParent()
                .setStartTimestamp(journey.start())
                .setAttribute("scaler.pool", journey.pool())
                .setAttribute("github.job.id", journey.jobId())
                .setAttribute("github.repository", journey.repository())
                .setAttribute("scaler.runner", journey.runnerName())
                .setAttribute("scaler.job.started", journey.started())
                .startSpan();
        Context inJob = Context.root().with(job);
        for (JobJourney.StageTime stage : journey.stages()) {
            Span span = tracer.spanBuilder(stage.stage().tag()).setParent(inJob).setStartTimestamp(stage.start())
                    .setAttribute("scaler.stage", stage.stage().tag()).startSpan();
            Context inStage = inJob.with(span);
            for (JobJourney.CallTime call : journey.calls()) {
                if (!call.start().isBefore(stage.start()) && call.start().isBefore(stage.end())
                        || stage == journey.stages().get(0) && call.start().isBefore(stage.start())) {
                    tracer.spanBuilder("scale-set " + call.kind()).setParent(inStage).setStartTimestamp(call.start())
                            .setAttribute("scaler.scale_set", call.scaleSet())
                            .setAttribute("scaler.call.kind", call.kind())
                            .setAttribute("scaler.call.outcome", call.outcome())
                            .startSpan().end(call.end());
                }
            }
            span.end(stage.end());
        }
        job.end(journey.end());
    }
}
