package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.sim.ArmBucket;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the figures of a benchmark and prints them last, one parseable line each:
 * {@code RESULT bench=<b> key=value ... metric=<m> value=<number>}.
 */
final class Report {
    private final String bench;
    private final List<String> lines = new ArrayList<>();

    Report(String bench) {
        this.bench = bench;
    }

    void add(String keys, String metric, double value) {
        lines.add("RESULT bench=" + bench + " " + keys + " metric=" + metric + " value=" + format(value));
    }

    void print(PrintStream out) {
        lines.forEach(out::println);
        out.flush();
    }

    /** The figures of one policy run, in a fixed order. */
    static Map<String, Double> figures(RunResult r) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobs", (double) r.jobs());
        f.put("wait_p50_s", r.waitP50());
        f.put("wait_p95_s", r.waitP95());
        f.put("wait_max_s", r.waitMax());
        f.put("never_started", (double) r.neverStarted());
        f.put("cut_off", (double) r.cutOff());
        f.put("instance_minutes", r.instanceMinutes());
        f.put("instance_minutes_per_job", r.instanceMinutesPerJob());
        f.put("peak_instances", (double) r.peakInstances());
        f.put("empty_pool_minutes", r.emptyPoolMinutes());
        f.put("arm_calls", (double) r.totalCalls());
        f.put("arm_429", (double) r.totalThrottled());
        f.put("arm_calls_per_job", r.callsPerJob());
        for (ArmBucket b : ArmBucket.values()) {
            if (r.calls(b) > 0 || r.throttled(b) > 0) {
                f.put("arm_calls_" + b.azureName(), (double) r.calls(b));
                f.put("arm_429_" + b.azureName(), (double) r.throttled(b));
            }
        }
        r.counters().forEach((name, value) -> f.put(name, (double) value));
        return f;
    }

    /** The bounds of {@link Oracle} as figures of two pseudo-policies, {@code oracle} and {@code jit}. */
    static Map<String, Double> oracleFigures(Oracle o, boolean reactive) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobs", (double) o.jobs());
        double wait = reactive ? o.reactiveWaitSeconds() : 0;
        f.put("wait_p50_s", wait);
        f.put("wait_p95_s", wait);
        f.put("wait_max_s", wait);
        f.put("instance_minutes", o.instanceMinutes());
        f.put("instance_minutes_per_job", o.instanceMinutesPerJob());
        return f;
    }

    /**
     * A policy against the physical limit: cost per job over the oracle's, waits over the jit bound's
     * (the oracle's wait is 0) and in seconds above it.
     */
    void addVersusOracle(String keys, RunResult r, Oracle o) {
        add("ratio=" + r.policy().label() + "/oracle " + keys, "instance_minutes_per_job",
                ratio(r.instanceMinutesPerJob(), o.instanceMinutesPerJob()));
        add("ratio=" + r.policy().label() + "/jit " + keys, "wait_p50_s", ratio(r.waitP50(), o.reactiveWaitSeconds()));
        add("ratio=" + r.policy().label() + "/jit " + keys, "wait_p95_s", ratio(r.waitP95(), o.reactiveWaitSeconds()));
        add("policy=" + r.policy().label() + " " + keys, "wait_p50_over_jit_s", r.waitP50() - o.reactiveWaitSeconds());
        add("policy=" + r.policy().label() + " " + keys, "wait_p95_over_jit_s", r.waitP95() - o.reactiveWaitSeconds());
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** a / b, with 0 / 0 = 1 (both equal) and x / 0 = inf. */
    static double ratio(double a, double b) {
        if (b == 0) {
            return a == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return a / b;
    }
}
