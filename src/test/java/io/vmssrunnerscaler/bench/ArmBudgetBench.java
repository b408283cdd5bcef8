package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.bench.PolicyRun.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/arm-budget: raises a steady Poisson job rate step by step, for each policy on one scale set
 * with Azure's per-scale-set throttling enforced, until the first throttled (429) call or the first
 * job that never started; reports the highest rate sustained with neither, and ARM calls per job.
 * The steps stop at 100 jobs a minute: the simulator's cost grows with the square of the pool size,
 * and a run must stay under five minutes on two cores ({@code rates=} tries others).
 *
 * <p>Arguments (all optional): {@code minutes=60 drain=30m rates=1,2,...} ({@code minutes}: length of
 * each step's trace; {@code drain}: time after it in which every job must have started).
 */
public final class ArmBudgetBench {
    private static final String RATES = "1,2,3,4,5,6,8,10,12,15,20,25,30,40,50,60,80,100";

    private ArmBudgetBench() {}

    public static void main(String[] args) {
        Args a = Args.parse(args);
        Bench.quietLogs();
        long minutes = a.number("minutes", 60);
        PolicyRun.Settings settings = PolicyRun.Settings.defaults().withMax(2000).withDrain(a.duration("drain", Duration.ofMinutes(30)));
        List<Double> rates = new ArrayList<>();
        for (String r : a.text("rates", RATES).split(",")) {
            rates.add(Double.parseDouble(r.trim()));
        }
        Report report = new Report("arm-budget");
        System.out.printf("arm-budget: steps of %d min of Poisson arrivals (jobs 3-7 min), then %s to start every job; "
                + "pool min 1 max %d free %d%%; provisioning %s, re-image %s%n", minutes, settings.drain(),
                settings.max(), settings.freePercent(), settings.provisioningDelay(), settings.reimageDelay());
        for (Policy policy : Policy.values()) {
            RunResult lastGood = null;
            double best = 0;
            for (double rate : rates) {
                Trace trace = Trace.steady("rate-" + rate, rate, Duration.ofMinutes(minutes), Duration.ofMinutes(3),
                        Duration.ofMinutes(7), 100 + (long) (rate * 10));
                long t0 = System.nanoTime();
                RunResult r = PolicyRun.run(policy, trace, settings);
                boolean ok = r.totalThrottled() == 0 && r.neverStarted() == 0;
                System.out.printf("  %-8s %6.1f jobs/min: %5d jobs, 429s %4d, never started %5d, wait p95 %8.1f s, "
                        + "calls/job %.2f, cut off %d  %s (%.1f s)%n", policy.label(), rate, r.jobs(), r.totalThrottled(),
                        r.neverStarted(), r.waitP95(), r.callsPerJob(), r.cutOff(), ok ? "ok" : "FAILED",
                        (System.nanoTime() - t0) / 1e9);
                String step = "policy=" + policy.label() + " rate=" + Report.format(rate);
                report.add(step, "arm_429", r.totalThrottled());
                report.add(step, "never_started", r.neverStarted());
                report.add(step, "wait_p95_s", r.waitP95());
                report.add(step, "arm_calls_per_job", r.callsPerJob());
                if (!ok) {
                    break;
                }
                best = rate;
                lastGood = r;
            }
            String keys = "policy=" + policy.label();
            report.add(keys, "max_sustained_jobs_per_min", best);
            // 1 when even the highest rate tried passed: the limit lies above what this run measured.
            report.add(keys, "reached_bench_ceiling", best == rates.get(rates.size() - 1) ? 1 : 0);
            report.add(keys, "arm_calls_per_job_at_max", lastGood == null ? Double.NaN : lastGood.callsPerJob());
            report.add(keys, "wait_p95_s_at_max", lastGood == null ? Double.NaN : lastGood.waitP95());
        }
        report.print(System.out);
    }
}
