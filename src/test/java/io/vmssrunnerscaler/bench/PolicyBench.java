package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.bench.PolicyRun.Policy;
import io.vmssrunnerscaler.sim.ArmBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/policy: the scaler's policy against the original design's on the same seeded traces (steady
 * Poisson loads of 1 and 3 jobs a minute, a burst of 200 jobs in a minute, a 24-hour working day), on a virtual clock,
 * with Azure's per-scale-set throttling enforced by the simulator. Prints the figures of each policy
 * and the ratios scaler / baseline, last, one RESULT line each.
 *
 * <p>Arguments (all optional): {@code provisioning=90s reimage=60s seed=7 traces=light,steady,burst,workday}.
 */
public final class PolicyBench {
    private PolicyBench() {}

    public static void main(String[] args) {
        Args a = Args.parse(args);
        Bench.quietLogs();
        PolicyRun.Settings settings = PolicyRun.Settings.defaults()
                .withDelays(a.duration("provisioning", Duration.ofSeconds(90)), a.duration("reimage", Duration.ofSeconds(60)));
        long seed = a.number("seed", 7);
        List<Trace> traces = new ArrayList<>();
        for (String name : a.text("traces", "light,steady,burst,workday").split(",")) {
            traces.add(trace(name.trim(), seed));
        }
        Report report = new Report("policy");
        System.out.printf("policy benchmark: provisioning %s, re-image %s, pool min %d max %d free %d%%, seed %d%n",
                settings.provisioningDelay(), settings.reimageDelay(), settings.min(), settings.max(), settings.freePercent(), seed);
        for (Trace trace : traces) {
            long t0 = System.nanoTime();
            RunResult scaler = PolicyRun.run(Policy.SCALER, trace, settings);
            RunResult baseline = PolicyRun.run(Policy.BASELINE, trace, settings);
            System.out.printf("trace %s: %d jobs over %s, both policies simulated in %.1f s%n", trace.name(),
                    trace.arrivals().size(), trace.length(), (System.nanoTime() - t0) / 1e9);
            Map<String, Double> s = Report.figures(scaler);
            Map<String, Double> b = Report.figures(baseline);
            Bench.table(trace.name(), s, b);
            s.forEach((metric, value) -> report.add("policy=scaler trace=" + trace.name(), metric, value));
            b.forEach((metric, value) -> report.add("policy=baseline trace=" + trace.name(), metric, value));
            for (String metric : List.of("wait_p50_s", "wait_p95_s", "wait_max_s", "never_started", "instance_minutes",
                    "arm_calls", "arm_429", "arm_calls_per_job")) {
                report.add("ratio=scaler/baseline trace=" + trace.name(), metric, Report.ratio(s.get(metric), b.get(metric)));
            }
            report.add("policy=scaler trace=" + trace.name(), "local_budget_refusals", scaler.extra());
            report.add("policy=baseline trace=" + trace.name(), "failed_hook_handlers", baseline.extra());
        }
        report.print(System.out);
    }

    static Trace trace(String name, long seed) {
        return switch (name) {
            case "light" -> Trace.steady("light", 1, Duration.ofHours(4), Duration.ofMinutes(2), Duration.ofMinutes(10), seed + 4);
            case "steady" -> Trace.steady("steady", 3, Duration.ofHours(4), Duration.ofMinutes(2), Duration.ofMinutes(10), seed + 1);
            case "burst" -> Trace.burst("burst", 200, Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1),
                    Duration.ofMinutes(3), Duration.ofMinutes(8), seed + 2);
            case "workday" -> Trace.workday("workday", 0.3, 8, Duration.ofMinutes(2), Duration.ofMinutes(15), seed + 3);
            default -> throw new IllegalArgumentException("unknown trace " + name + " (light, steady, burst, workday)");
        };
    }

    static String bucketList() {
        StringBuilder sb = new StringBuilder();
        for (ArmBucket b : ArmBucket.values()) {
            sb.append(b.azureName()).append(' ').append(b.refillPerMinute()).append('/').append(b.bucket()).append("; ");
        }
        return sb.toString();
    }
}
