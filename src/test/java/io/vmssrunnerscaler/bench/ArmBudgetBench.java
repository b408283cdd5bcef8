package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.bench.PolicyRun.Policy;
import io.vmssrunnerscaler.sim.ArmBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/arm-budget: steady Poisson job rates, one step each, for each policy on a pool with Azure's
 * per-scale-set throttling enforced. Every rate is run and reported, whatever the rates before it
 * gave: per rate p50 / p95 / max job wait, instance-minutes per job, ARM calls and 429s per bucket,
 * jobs never started or cut off, and the limits of {@link Oracle} (the jit bound's wait, the
 * oracle's cost per job) with the ratios to them. Then, per policy, the highest rate up to which
 * every step had no 429 and no job left unstarted.
 *
 * <p>Pools over several scale sets (issue 11, item 4) do not exist in the engine yet. The argument
 * {@code scaleSets=} is where they come in: it is part of every RESULT line's keys, chooses the
 * default rates (up to 100 jobs/min for one scale set, up to 400 for four) and the pool's size, and
 * for now accepts only 1 ({@link #poolOf}: the one place to extend).
 *
 * <p>Each step's trace lasts {@code minutes} (default 60); the simulator's cost grows with the pool's
 * size, so when the run would exceed five minutes, shorten the step ({@code minutes=}) rather than
 * dropping rates. Arguments (all optional): {@code minutes=60 drain=30m rates=1,2,6,10,30,60,100
 * policies=scaler,baseline,arc scaleSets=1} ({@code drain}: the time after the trace in which jobs
 * may still start).
 */
public final class ArmBudgetBench {
    /** Default rates for one scale set; a pool of four scale sets adds 200 and 400 jobs/min. */
    static final String RATES_ONE = "1,2,6,10,30,60,100";
    static final String RATES_FOUR = RATES_ONE + ",200,400";
    /** The naive baseline is left to bench/policy: it fails from 1 job/min on, which says nothing more here. */
    static final String POLICIES = "scaler,baseline,arc";

    private ArmBudgetBench() {}

    public static void main(String[] args) {
        Args a = Args.parse(args);
        Bench.quietLogs();
        int scaleSets = (int) a.number("scaleSets", 1);
        PolicyRun.Settings settings = poolOf(scaleSets, PolicyRun.Settings.defaults()
                .withDrain(a.duration("drain", Duration.ofMinutes(30))));
        long minutes = a.number("minutes", 60);
        List<Policy> policies = Policy.parse(a.text("policies", POLICIES));
        List<Double> rates = new ArrayList<>();
        for (String r : a.text("rates", scaleSets == 1 ? RATES_ONE : RATES_FOUR).split(",")) {
            rates.add(Double.parseDouble(r.trim()));
        }
        Report report = new Report("arm-budget");
        System.out.printf("arm-budget: %d scale set(s); steps of %d min of Poisson arrivals (jobs 3-7 min), then %s "
                + "in which jobs may still start; pool min %d max %d free %d%% (scaler, baseline); provisioning %s, "
                + "re-image %s%n", scaleSets, minutes, settings.drain(), settings.min(), settings.max(),
                settings.freePercent(), settings.provisioningDelay(), settings.reimageDelay());
        for (double rate : rates) {
            Oracle oracle = Oracle.of(trace(rate, minutes), settings);
            String keys = "scale_sets=" + scaleSets + " rate=" + Report.format(rate);
            report.add("policy=oracle " + keys, "instance_minutes_per_job", oracle.instanceMinutesPerJob());
            report.add("policy=jit " + keys, "wait_p95_s", oracle.reactiveWaitSeconds());
        }
        for (Policy policy : policies) {
            double sustained = 0;
            boolean failedBefore = false;
            for (double rate : rates) {
                boolean ok = step(policy, rate, minutes, scaleSets, settings, report);
                if (ok && !failedBefore) {
                    sustained = rate;
                }
                failedBefore |= !ok;
            }
            String keys = "policy=" + policy.label() + " scale_sets=" + scaleSets;
            report.add(keys, "max_sustained_jobs_per_min", sustained);
            // 1 when even the highest rate tried passed: the limit lies above what this run measured.
            report.add(keys, "reached_bench_ceiling", sustained == rates.get(rates.size() - 1) ? 1 : 0);
        }
        report.print(System.out);
    }

    /**
     * The pool for {@code scaleSets} scale sets. Only 1 exists: the engine drives one scale set per
     * pool. When pools span scale sets, build them here (each with its own Azure buckets in the
     * simulator, the max spread over them) and let {@link PolicyRun} sum calls over the scale sets.
     */
    static PolicyRun.Settings poolOf(int scaleSets, PolicyRun.Settings base) {
        if (scaleSets != 1) {
            throw new IllegalArgumentException("scaleSets=" + scaleSets + ": only 1 for now - a pool over several "
                    + "scale sets does not exist in the engine yet (issue 11, item 4)");
        }
        return base.withMax(2000);
    }

    /** One rate for one policy: prints its line, adds its RESULT lines; true with no 429 and every job started. */
    private static boolean step(Policy policy, double rate, long minutes, int scaleSets, PolicyRun.Settings settings,
            Report report) {
        Trace trace = trace(rate, minutes);
        long t0 = System.nanoTime();
        RunResult r = PolicyRun.run(policy, trace, settings);
        Oracle oracle = Oracle.of(trace, settings);
        boolean ok = r.totalThrottled() == 0 && r.neverStarted() == 0;
        System.out.printf("  %-14s %6.1f jobs/min: %5d jobs, wait p50 %7.1f p95 %7.1f max %7.1f s (jit %.0f s), "
                + "inst-min/job %6.2f (oracle %.2f), calls %s, 429s %d, never started %d, cut off %d, "
                + "empty pool %.0f min  %s (%.1f s)%n",
                policy.label(), rate, r.jobs(), r.waitP50(), r.waitP95(), r.waitMax(), oracle.reactiveWaitSeconds(),
                r.instanceMinutesPerJob(), oracle.instanceMinutesPerJob(), callsByBucket(r), r.totalThrottled(),
                r.neverStarted(), r.cutOff(), r.emptyPoolMinutes(), ok ? "ok" : "FAILED", (System.nanoTime() - t0) / 1e9);
        String keys = "scale_sets=" + scaleSets + " rate=" + Report.format(rate);
        String step = "policy=" + policy.label() + " " + keys;
        report.add(step, "jobs", r.jobs());
        report.add(step, "wait_p50_s", r.waitP50());
        report.add(step, "wait_p95_s", r.waitP95());
        report.add(step, "wait_max_s", r.waitMax());
        report.add(step, "instance_minutes_per_job", r.instanceMinutesPerJob());
        report.add(step, "never_started", r.neverStarted());
        report.add(step, "cut_off", r.cutOff());
        report.add(step, "empty_pool_minutes", r.emptyPoolMinutes());
        report.add(step, "arm_429", r.totalThrottled());
        report.add(step, "arm_calls_per_job", r.callsPerJob());
        for (ArmBucket b : ArmBucket.values()) {
            if (r.calls(b) > 0 || r.throttled(b) > 0) {
                report.add(step, "arm_calls_" + b.azureName(), r.calls(b));
                report.add(step, "arm_429_" + b.azureName(), r.throttled(b));
            }
        }
        report.addVersusOracle(keys, r, oracle);
        report.add(step, "sustained", ok ? 1 : 0);
        return ok;
    }

    /** The same jobs for every policy at one rate. */
    static Trace trace(double rate, long minutes) {
        return Trace.steady("rate-" + rate, rate, Duration.ofMinutes(minutes), Duration.ofMinutes(3), Duration.ofMinutes(7),
                100 + (long) (rate * 10));
    }

    private static String callsByBucket(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (ArmBucket b : ArmBucket.values()) {
            if (r.calls(b) > 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(b.azureName()).append(' ').append(r.calls(b));
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
