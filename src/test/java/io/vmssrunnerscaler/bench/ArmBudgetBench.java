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
 * <p>Two parts, each with its own RESULT keys ({@code scale_sets=1} or {@code scale_sets=4}): one
 * scale set (max 2000; rates 1 to 100 jobs/min, steps of 60 min; scaler, baseline and arc), then a
 * pool spanning four scale sets (max 700 each, 2800 in all; each scale set with its own loop and its
 * own Azure buckets, in the simulator and in the scaler's budget; rates 100, 200 and 400 jobs/min,
 * steps of 20 min, see {@link #MINUTES_MANY}). Only the scaler runs on four: the baseline and the
 * peer model one-scale-set designs, and the run says so. Calls and 429s are summed over the scale
 * sets, and also given per scale set ({@code scale_set=} key).
 *
 * <p>Arguments (all optional): {@code scaleSets=1,4 minutes=60 drain=30m rates=1,2,6,10,30,60,100
 * policies=scaler,baseline,arc}; {@code minutes}, {@code rates} and {@code policies} apply to every
 * part and default per part; {@code minutes@4=}, {@code rates@4=}, {@code policies@4=} set them for
 * one part only ({@code drain}: the time after the trace in which jobs may still start). When a run
 * would exceed five minutes, shorten the steps rather than dropping rates.
 */
public final class ArmBudgetBench {
    /** Default rates for one scale set (issue 11: up to 100 jobs/min). */
    static final String RATES_ONE = "1,2,6,10,30,60,100";
    /** Default rates for a pool over several scale sets (issue 11: up to 400 jobs/min over four). */
    static final String RATES_MANY = "100,200,400";
    /** The naive baseline is left to bench/policy: it fails from 1 job/min on, which says nothing more here. */
    static final String POLICIES = "scaler,baseline,arc";
    /** Max per scale set of a pool over several: 400 jobs/min of 3-7 min jobs keep ~2000 busy, +25% free, over 4. */
    static final int MAX_PER_SCALE_SET = 700;
    /**
     * Steps of a pool over several scale sets last 20 min by default, not 60: the simulator's cost
     * grows faster than the jobs (400 jobs/min: 88 s for a 20-min step on 2 cores), and the whole
     * default run must stay under 5 minutes. 20 min is past the ramp (jobs last 3-7 min).
     */
    static final long MINUTES_MANY = 20;

    private ArmBudgetBench() {}

    public static void main(String[] args) {
        Args a = Args.parse(args);
        Bench.quietLogs();
        Report report = new Report("arm-budget");
        for (String n : a.text("scaleSets", "1,4").split(",")) {
            int scaleSets = Integer.parseInt(n.trim());
            // Per-part settings: rates@4=, minutes@4=, policies@4= override rates=, minutes=, policies= for that part.
            String suffix = "@" + scaleSets;
            long minutes = a.number("minutes" + suffix, a.number("minutes", scaleSets == 1 ? 60 : MINUTES_MANY));
            String rates = a.text("rates" + suffix, a.text("rates", scaleSets == 1 ? RATES_ONE : RATES_MANY));
            String policies = a.text("policies" + suffix, a.text("policies", POLICIES));
            part(scaleSets, minutes, rates, policies, a.duration("drain", Duration.ofMinutes(30)), report);
        }
        report.print(System.out);
    }

    /** Every rate for every policy on a pool of {@code scaleSets} scale sets. */
    private static void part(int scaleSets, long minutes, String rateList, String policyList, Duration drain,
            Report report) {
        PolicyRun.Settings settings = poolOf(scaleSets, PolicyRun.Settings.defaults().withDrain(drain));
        List<Policy> policies = new ArrayList<>();
        for (Policy p : Policy.parse(policyList)) {
            if (scaleSets == 1 || p == Policy.SCALER) {
                policies.add(p);
            } else {
                System.out.printf("arm-budget: %s not run on %d scale sets: it models a one-scale-set design%n",
                        p.label(), scaleSets);
            }
        }
        List<Double> rates = new ArrayList<>();
        for (String r : rateList.split(",")) {
            rates.add(Double.parseDouble(r.trim()));
        }
        System.out.printf("arm-budget: %d scale set(s)%s; steps of %d min of Poisson arrivals (jobs 3-7 min), then %s "
                + "in which jobs may still start; pool min %d max %d%s free %d%% (scaler, baseline); provisioning %s, "
                + "re-image %s%n", scaleSets, scaleSets == 1 ? "" : ", each with its own Azure buckets", minutes,
                settings.drain(), settings.min(), settings.max(),
                scaleSets == 1 ? "" : " (" + settings.max() / scaleSets + " per scale set)", settings.freePercent(),
                settings.provisioningDelay(), settings.reimageDelay());
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
    }

    /**
     * The pool for {@code scaleSets} scale sets: one scale set of max 2000, or a pool spanning
     * {@code scaleSets} scale sets of max {@link #MAX_PER_SCALE_SET} each (each with its own loop
     * and, in the simulator and in the scaler's budget, its own Azure buckets).
     */
    static PolicyRun.Settings poolOf(int scaleSets, PolicyRun.Settings base) {
        if (scaleSets < 1) {
            throw new IllegalArgumentException("scaleSets=" + scaleSets + ": at least 1");
        }
        return scaleSets == 1 ? base.withMax(2000) : base.withScaleSets(scaleSets, MAX_PER_SCALE_SET);
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
        if (scaleSets > 1) {
            StringBuilder each = new StringBuilder();
            for (String scaleSet : r.callsByScaleSet().keySet()) {
                long calls = 0;
                long throttled = 0;
                for (ArmBucket b : ArmBucket.values()) {
                    calls += r.calls(scaleSet, b);
                    throttled += r.throttled(scaleSet, b);
                }
                each.append(String.format("  %s: %d calls, %d 429s", scaleSet, calls, throttled));
            }
            System.out.println("                 per scale set:" + each);
        }
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
        if (scaleSets > 1) {
            for (String scaleSet : r.callsByScaleSet().keySet()) {
                for (ArmBucket b : ArmBucket.values()) {
                    if (r.calls(scaleSet, b) > 0 || r.throttled(scaleSet, b) > 0) {
                        report.add(step + " scale_set=" + scaleSet, "arm_calls_" + b.azureName(), r.calls(scaleSet, b));
                        report.add(step + " scale_set=" + scaleSet, "arm_429_" + b.azureName(), r.throttled(scaleSet, b));
                    }
                }
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
