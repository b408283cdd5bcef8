package io.vmssrunnerscaler.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vmssrunnerscaler.shell.JobJourney;
import io.vmssrunnerscaler.shell.JobStage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A job's stages as Micrometer histograms and as one OpenTelemetry trace, caught by an in-memory exporter. */
class JourneyTelemetryTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JourneyTelemetry telemetry = new JourneyTelemetry(registry,
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build().get("test"));

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void eachStageIsTimedPerPool() {
        telemetry.stage("linux", JobStage.BOOT, Duration.ofSeconds(40));
        telemetry.stage("linux", JobStage.BOOT, Duration.ofSeconds(60));
        telemetry.stage("gpu", JobStage.BOOT, Duration.ofSeconds(5));

        Timer boot = registry.get("scaler.job.stage").tags("pool", "linux", "stage", "boot").timer();
        assertEquals(2, boot.count());
        assertEquals(100, boot.totalTime(TimeUnit.SECONDS), 0.001);
        assertEquals(1, registry.get("scaler.job.stage").tags("pool", "gpu", "stage", "boot").timer().count());
    }

    @Test
    void aJourneyIsOneTraceWithASpanPerStageAndTheScaleSetCallsUnderTheStageTheyBeganIn() {
        List<JobJourney.StageTime> stages = List.of(
                new JobJourney.StageTime(JobStage.WEBHOOK, at(0), at(2)),
                new JobJourney.StageTime(JobStage.SCHEDULING, at(2), at(3)),
                new JobJourney.StageTime(JobStage.PROVISIONING, at(3), at(40)),
                new JobJourney.StageTime(JobStage.BOOT, at(40), at(90)),
                new JobJourney.StageTime(JobStage.REGISTRATION, at(90), at(95)),
                new JobJourney.StageTime(JobStage.ASSIGNMENT, at(95), at(96)),
                new JobJourney.StageTime(JobStage.RUN, at(96), at(300)),
                new JobJourney.StageTime(JobStage.RECYCLE, at(300), at(330)));
        telemetry.ended(new JobJourney("linux", 42, "octo-org/app", "linux00000a", stages,
                List.of(new JobJourney.CallTime("linux-vmss", "set_capacity", "succeeded", at(3), at(35)))));

        List<SpanData> all = spans.getFinishedSpanItems();
        assertEquals(10, all.size(), "the job, eight stages and one call");
        SpanData job = all.stream().filter(s -> s.getName().equals("job 42")).findFirst().orElseThrow();
        assertEquals(TimeUnit.SECONDS.toNanos(T0.getEpochSecond()), job.getStartEpochNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(at(330).getEpochSecond()), job.getEndEpochNanos());
        assertEquals("linux", job.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("scaler.pool")).findFirst().orElseThrow().getValue());
        assertTrue(all.stream().allMatch(s -> s.getTraceId().equals(job.getTraceId())), "one trace");
        Map<String, String> parents = all.stream().collect(Collectors.toMap(SpanData::getName, SpanData::getParentSpanId));
        for (JobStage stage : JobStage.values()) {
            assertEquals(job.getSpanId(), parents.get(stage.tag()), stage.tag());
        }
        SpanData provisioning = all.stream().filter(s -> s.getName().equals("provisioning")).findFirst().orElseThrow();
        assertEquals(provisioning.getSpanId(), parents.get("scale-set set_capacity"));
        SpanData boot = all.stream().filter(s -> s.getName().equals("boot")).findFirst().orElseThrow();
        assertEquals(50, TimeUnit.NANOSECONDS.toSeconds(boot.getEndEpochNanos() - boot.getStartEpochNanos()));
    }
}
