package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.bench.PolicyRun.Warm;
import io.vmssrunnerscaler.engine.AdaptiveIdle;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * bench/policy's trace {@code warm}: the {@code workday} trace (a Monday: 0.3 jobs a minute at night,
 * 8 from 09:00 to 17:00 UTC) run by the scaler under warm-capacity settings side by side: today's
 * policy (min 1, free 25 %), {@code min-idle} alone, a working-hours schedule, and adaptive idle; then
 * two configurations aimed at the targets (p95 at most 30 s at no more instance-minutes
 * than today's; today's p95 at 25 % fewer). For each: p50 / p95 / max wait, instance-minutes,
 * and the ratios of both to today's policy and of instance-minutes to the oracle's (a VM booted just
 * in time for every job). The floor below which no policy's instance-minutes can go, the jobs' own
 * run time, is printed too.
 *
 * <p>The simulated day starts at 00:00 UTC and the trace 10 minutes later (the warm-up), so the
 * schedules below are in UTC and the trace's hours are UTC hours plus 10 minutes.
 */
final class WarmBench {
    private static final EnumSet<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    private WarmBench() {}

    /** One configuration of the comparison. */
    record Variant(String name, String settings, int min, int freePercent, Warm warm) {}

    /**
     * Today's policy, each feature alone, then the two aimed at the targets: {@code adaptive-lean},
     * the leanest adaptive setting found with p95 under 30 s (quantile 0.8 with the simulated
     * boot, 100 s, and no free percentage: 0.5, 0.7, 0.8 and 0.9 were tried), and {@code idle-2}, the
     * cheapest setting tried (min-idle 2, 4 or 8 with free 0, 10 or 15 %), to show how little
     * giving up waits saves on this trace.
     */
    static List<Variant> variants() {
        AdaptiveIdle adaptive = new AdaptiveIdle(true, Duration.ofMinutes(30), Duration.ofSeconds(120), 0.95);
        AdaptiveIdle lean = new AdaptiveIdle(true, Duration.ofMinutes(30), Duration.ofSeconds(100), 0.8);
        return List.of(
                new Variant("today", "min 1, free-percent 25", 1, 25, Warm.NONE),
                new Variant("min-idle", "min 1, free-percent 25, min-idle 6", 1, 25, new Warm(6, List.of(), AdaptiveIdle.OFF)),
                new Variant("schedule", "min 0, free-percent 25; weekdays 07:00-19:00 UTC: min-idle 10", 0, 25,
                        new Warm(0, List.of(period("office", 7, 19, 10)), AdaptiveIdle.OFF)),
                new Variant("adaptive", "min 1, free-percent 25, adaptive idle (window 30m, boot-time 2m, quantile 0.95)",
                        1, 25, new Warm(0, List.of(), adaptive)),
                new Variant("adaptive-lean", "min 0, free-percent 0, min-idle 1, adaptive idle (30m, 100s, 0.8)", 0, 0,
                        new Warm(1, List.of(), lean)),
                new Variant("idle-2", "min 0, free-percent 0, min-idle 2", 0, 0, new Warm(2, List.of(), AdaptiveIdle.OFF)));
    }

    private static SchedulePeriod period(String id, int fromHour, int toHour, int minIdle) {
        return new SchedulePeriod(id, WEEKDAYS, LocalTime.of(fromHour, 0), LocalTime.of(toHour, 0), ZoneOffset.UTC,
                OptionalInt.empty(), OptionalInt.of(minIdle), OptionalInt.empty(), OptionalInt.empty());
    }

    static void run(PolicyRun.Settings settings, long seed, Report report) {
        Trace trace = PolicyBench.trace("workday", seed);
        Oracle oracle = Oracle.of(trace, settings);
        double runTime = trace.arrivals().stream().mapToDouble(a -> a.duration().toMillis() / 60_000.0).sum();
        System.out.printf("trace warm: the workday trace (%d jobs), provisioning %s; the jobs' own run time is %.0f "
                + "instance-minutes, the oracle's %.0f%n", trace.arrivals().size(), settings.provisioningDelay(), runTime,
                oracle.instanceMinutes());
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        Map<String, Double> today = null;
        for (Variant v : variants()) {
            long t0 = System.nanoTime();
            RunResult r = PolicyRun.run(PolicyRun.Policy.SCALER, trace, settings.withSizing(v.min(), v.freePercent(), v.warm()));
            System.out.printf("  %-13s %s (simulated in %.1f s)%n", v.name(), v.settings(), (System.nanoTime() - t0) / 1e9);
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("wait_p50_s", r.waitP50());
            f.put("wait_p95_s", r.waitP95());
            f.put("wait_max_s", r.waitMax());
            f.put("never_started", (double) r.neverStarted());
            f.put("instance_minutes", r.instanceMinutes());
            if (today == null) {
                today = f;
            }
            f.put("wait_p95_vs_today", Report.ratio(r.waitP95(), today.get("wait_p95_s")));
            f.put("instance_minutes_vs_today", Report.ratio(r.instanceMinutes(), today.get("instance_minutes")));
            f.put("instance_minutes_vs_oracle", Report.ratio(r.instanceMinutes(), oracle.instanceMinutes()));
            columns.put(v.name(), f);
        }
        Bench.table("warm", columns);
        columns.forEach((variant, figures) -> figures.forEach((metric, value) ->
                report.add("policy=scaler trace=warm variant=" + variant, metric, value)));
        report.add("trace=warm", "job_run_time_instance_minutes", runTime);
        report.add("trace=warm", "oracle_instance_minutes", oracle.instanceMinutes());
    }
}
