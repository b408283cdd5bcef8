package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.bench.PolicyRun.Policy;
import io.vmssrunnerscaler.sim.ArmBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/policy: on the same seeded traces (steady Poisson loads of 1 and 3 jobs a minute, a burst of
 * 200 jobs in a minute, a 24-hour working day) and the same simulated Azure, on a virtual clock with
 * Azure's per-scale-set throttling enforced: the scaler; the original design as it ran on Azure
 * ({@code baseline}: SDK retry of 429s, VMs going down seconds after the call, capacity counted as
 * Azure counts it) and its first naive model ({@code baseline-naive}); the
 * actions-runner-controller peer ({@code arc}: min + queued + busy, every finished VM deleted and
 * replaced, through the same budgeted port as the scaler); and the physical limits ({@link Oracle},
 * computed from the trace, not simulated).
 *
 * <p>Per trace and policy: every figure of {@link Report#figures} (p50 / p95 / max wait,
 * instance-minutes and per job, ARM calls and 429s per bucket, jobs never started or cut off), then
 * against the limits: {@code ratio=<policy>/oracle metric=instance_minutes_per_job} (cost over the
 * oracle's), {@code ratio=<policy>/jit metric=wait_p50_s|wait_p95_s} (waits over the just-in-time
 * reactive bound's, since the oracle's wait is 0: 1.0 means as fast as reacting to each job at once
 * allows), and {@code wait_p50_over_jit_s|wait_p95_over_jit_s} (the same as seconds above that
 * bound; negative when runners were ready before their jobs). The pseudo-policies {@code oracle}
 * and {@code jit} print their own wait and cost lines. The ratios scaler / baseline and
 * scaler / arc follow, last, one RESULT line each.
 *
 * <p>Arguments (all optional): {@code provisioning=90s reimage=60s takedown=10s seed=7
 * traces=light,steady,burst,workday policies=scaler,baseline,baseline-naive,arc} ({@code takedown}:
 * from the baseline's per-VM call to its VM going down). {@code traces=spot} adds {@link SpotBench}:
 * the scaler alone, with and without Spot evictions.
 */
public final class PolicyBench {
    /** Policies of bench/policy: the naive baseline too, to show what the as-deployed model changes. */
    static final String POLICIES = "scaler,baseline,baseline-naive,arc";
    private static final List<String> COMPARED = List.of("wait_p50_s", "wait_p95_s", "wait_max_s", "never_started",
            "instance_minutes", "instance_minutes_per_job", "arm_calls", "arm_429", "arm_calls_per_job");

    private PolicyBench() {}

    public static void main(String[] args) {
        Args a = Args.parse(args);
        Bench.quietLogs();
        PolicyRun.Settings settings = PolicyRun.Settings.defaults()
                .withDelays(a.duration("provisioning", Duration.ofSeconds(90)), a.duration("reimage", Duration.ofSeconds(60)))
                .withTakedownDelay(a.duration("takedown", Duration.ofSeconds(10)));
        long seed = a.number("seed", 7);
        List<Policy> policies = Policy.parse(a.text("policies", POLICIES));
        List<Trace> traces = new ArrayList<>();
        boolean spot = false;
        boolean warm = false;
        for (String name : a.text("traces", "light,steady,burst,workday").split(",")) {
            if (name.trim().equals("spot")) {
                spot = true; // not a comparison of policies: the scaler with and without evictions
            } else if (name.trim().equals("warm")) {
                warm = true; // the scaler alone under warm-capacity settings
            } else {
                traces.add(trace(name.trim(), seed));
            }
        }
        Report report = new Report("policy");
        System.out.printf("policy benchmark: provisioning %s, re-image %s, baseline take-down %s, pool min %d max %d "
                + "free %d%% (scaler, baseline), seed %d; buckets per scale set: %s%n", settings.provisioningDelay(),
                settings.reimageDelay(), settings.takedownDelay(), settings.min(), settings.max(), settings.freePercent(),
                seed, bucketList());
        for (Trace trace : traces) {
            runTrace(trace, settings, policies, report);
        }
        if (spot) {
            SpotBench.run(a, settings, seed, report);
        }
        if (warm) {
            WarmBench.run(settings, seed, report);
        }
        report.print(System.out);
    }

    private static void runTrace(Trace trace, PolicyRun.Settings settings, List<Policy> policies, Report report) {
        String keys = "trace=" + trace.name();
        Oracle oracle = Oracle.of(trace, settings);
        Map<Policy, RunResult> results = new EnumMap<>(Policy.class);
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        StringBuilder times = new StringBuilder();
        for (Policy policy : policies) {
            long t0 = System.nanoTime();
            RunResult r = PolicyRun.run(policy, trace, settings);
            times.append(String.format(" %s %.1f s", policy.label(), (System.nanoTime() - t0) / 1e9));
            results.put(policy, r);
            columns.put(policy.label(), Report.figures(r));
        }
        columns.put("oracle", Report.oracleFigures(oracle, false));
        columns.put("jit", Report.oracleFigures(oracle, true));
        System.out.printf("trace %s: %d jobs over %s; simulated in%s%n", trace.name(), trace.arrivals().size(),
                trace.length(), times);
        Bench.table(trace.name(), columns);
        columns.forEach((policy, figures) -> figures.forEach((metric, value) ->
                report.add("policy=" + policy + " " + keys, metric, value)));
        results.values().forEach(r -> report.addVersusOracle(keys, r, oracle));
        RunResult scaler = results.get(Policy.SCALER);
        for (Policy other : List.of(Policy.BASELINE, Policy.ARC)) {
            if (scaler != null && results.containsKey(other)) {
                Map<String, Double> s = Report.figures(scaler);
                Map<String, Double> o = Report.figures(results.get(other));
                for (String metric : COMPARED) {
                    report.add("ratio=scaler/" + other.label() + " " + keys, metric,
                            Report.ratio(s.get(metric), o.get(metric)));
                }
            }
        }
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
