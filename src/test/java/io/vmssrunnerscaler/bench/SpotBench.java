package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.sim.SimSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * bench/policy's trace {@code spot}: the same steady workload (3 jobs a minute for 4 hours, 2-10 min
 * each) run twice by the scaler on a Spot-then-Regular pool that re-runs lost jobs, once with no
 * evictions and once with Spot evictions at a rate per instance-hour and a storm. For each run:
 * jobs, jobs lost for good, jobs GitHub failed with their runner and re-runs, evictions, p50/p95/max
 * wait of each job from its queueing to the start of the run of it that succeeded (a re-run included:
 * a lost job waits from its first queueing until its re-run starts), instance-minutes per scale set,
 * and cost (Spot instance-minutes x {@code spot-price} + Regular instance-minutes x 1.0), also as a
 * ratio to the run without evictions.
 *
 * <p>Arguments: {@code eviction-rate=0.1} (per Spot instance-hour), {@code storm-at=2h} (into the
 * trace), {@code storm-fraction=0.5}, {@code spot-price=0.2}, {@code reruns-per-hour=30} (the pool's
 * re-run budget, default as in production).
 */
final class SpotBench {
    private SpotBench() {}

    static void run(Args a, PolicyRun.Settings settings, long seed, Report report) {
        Trace trace = Trace.steady("spot", 3, Duration.ofHours(4), Duration.ofMinutes(2), Duration.ofMinutes(10), seed + 5);
        double rate = Double.parseDouble(a.text("eviction-rate", "0.1"));
        Duration stormAt = a.duration("storm-at", Duration.ofHours(2));
        double fraction = Double.parseDouble(a.text("storm-fraction", "0.5"));
        double spotPrice = Double.parseDouble(a.text("spot-price", "0.2"));
        LossPolicy d = LossPolicy.DEFAULT;
        LossPolicy policy = new LossPolicy(true, (int) a.number("reruns-per-hour", d.rerunsPerHour()));
        Map<String, SimSettings.Losses> runs = new LinkedHashMap<>();
        runs.put("no-evictions", SimSettings.Losses.NONE);
        runs.put("evictions", SimSettings.Losses.NONE.withEvictions(rate).withStorm(settings.warmUp().plus(stormAt), fraction));

        System.out.printf("trace spot: %d jobs over %s on %s (Spot) then %s, max %d each, re-runs on (%d/h); "
                + "evictions %.2f per Spot instance-hour and a storm of %.0f%% at %s; Spot price %.2f of Regular%n",
                trace.arrivals().size(), trace.length(), SpotRun.SPOT, SpotRun.REGULAR, settings.max() / 2,
                policy.rerunsPerHour(), rate, fraction * 100, stormAt, spotPrice);
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        double baseCost = Double.NaN;
        for (Map.Entry<String, SimSettings.Losses> run : runs.entrySet()) {
            long t0 = System.nanoTime();
            SpotRun.Result r = SpotRun.run(trace, settings, run.getValue(), policy);
            System.out.printf("  %s simulated in %.1f s%n", run.getKey(), (System.nanoTime() - t0) / 1e9);
            if (Double.isNaN(baseCost)) {
                baseCost = r.cost(spotPrice);
            }
            columns.put(run.getKey(), figures(r, spotPrice, baseCost));
        }
        Bench.table("spot", columns);
        columns.forEach((run, figures) -> figures.forEach((metric, value) ->
                report.add("policy=scaler trace=spot run=" + run, metric, value)));
    }

    static Map<String, Double> figures(SpotRun.Result r, double spotPrice, double baseCost) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobs", (double) r.jobs());
        f.put("lost_for_good", (double) r.lostForGood());
        f.put("jobs_failed", (double) r.failed());
        f.put("lost_rerun", (double) r.reruns());
        f.put("evictions", (double) r.evictions());
        f.put("cut_off", (double) r.cutOff());
        f.put("wait_p50_s", r.waitPercentile(50));
        f.put("wait_p95_s", r.waitPercentile(95));
        f.put("wait_max_s", r.waits().isEmpty() ? 0 : r.waits().get(r.waits().size() - 1));
        r.instanceMinutes().forEach((set, minutes) -> f.put("instance_minutes_" + set.replace('-', '_'), minutes));
        f.put("cost", r.cost(spotPrice));
        f.put("cost_vs_no_evictions", Report.ratio(r.cost(spotPrice), baseCost));
        return f;
    }
}
