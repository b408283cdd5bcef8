package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.sim.ArmBucket;
import io.vmssrunnerscaler.sim.SimEvent;
import io.vmssrunnerscaler.sim.SimEventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one policy run produced, read from the simulator's ground truth: job waits (queued to
 * started), jobs never started, jobs cut off (their VM re-imaged or deleted under them), cost in
 * instance-minutes (every instance from its creation until it is gone), minutes with no instance at
 * all after the first (a pool that emptied itself, which the original design cannot undo), and ARM
 * calls and 429s per throttling bucket.
 *
 * @param calls           calls and 429s per bucket ({@code [bucket.ordinal()][0]} calls, {@code [1]} 429s),
 *                        summed over the pool's scale sets
 * @param callsByScaleSet the same per scale set, by scale-set name
 * @param counters the policy's own counters (the scaler's locally refused calls, the baseline's failed
 *                 handlers and SDK retries, the peer's failed calls), by metric name
 */
record RunResult(PolicyRun.Policy policy, String trace, int jobs, int neverStarted, int cutOff, double waitP50,
        double waitP95, double waitMax, double instanceMinutes, int peakInstances, double emptyPoolMinutes, long[][] calls,
        Map<String, long[][]> callsByScaleSet, Map<String, Long> counters) {

    static RunResult of(PolicyRun.Policy policy, Trace trace, SimEventLog log, Instant end, long[][] calls,
            Map<String, long[][]> callsByScaleSet, Map<String, Long> counters) {
        Map<Long, Instant> queued = new HashMap<>();
        Map<Long, Instant> started = new HashMap<>();
        int cutOff = 0;
        int peak = 0;
        InstanceMinutes instances = new InstanceMinutes();
        double emptyMinutes = 0;
        Instant last = null;
        for (SimEvent e : log.events()) {
            if (last != null && instances.liveTotal() == 0 && peak > 0) {
                emptyMinutes += InstanceMinutes.minutesBetween(last, e.at());
            }
            last = e.at();
            instances.on(e);
            peak = Math.max(peak, instances.liveTotal());
            switch (e.kind()) {
                case JOB_QUEUED -> queued.put(e.jobId(), e.at());
                case JOB_STARTED -> started.putIfAbsent(e.jobId(), e.at());
                case BUSY_INSTANCE_TOUCHED -> cutOff++;
                default -> { }
            }
        }
        if (last != null && instances.liveTotal() == 0 && peak > 0) {
            emptyMinutes += InstanceMinutes.minutesBetween(last, end);
        }
        instances.end(end);
        double instanceMinutes = instances.total();
        // A job that never started counts as having waited until the end of the run (a lower bound).
        List<Double> waits = new ArrayList<>();
        queued.forEach((job, at) -> waits.add(Duration.between(at, started.getOrDefault(job, end)).toMillis() / 1000.0));
        Collections.sort(waits);
        int neverStarted = (int) queued.keySet().stream().filter(j -> !started.containsKey(j)).count();
        return new RunResult(policy, trace.name(), queued.size(), neverStarted, cutOff, percentile(waits, 50),
                percentile(waits, 95), waits.isEmpty() ? 0 : waits.get(waits.size() - 1), instanceMinutes, peak,
                emptyMinutes, calls, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(callsByScaleSet)),
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counters)));
    }

    /** Calls to this bucket of one scale set. */
    long calls(String scaleSet, ArmBucket bucket) {
        return callsByScaleSet.get(scaleSet)[bucket.ordinal()][0];
    }

    /** 429s from this bucket of one scale set. */
    long throttled(String scaleSet, ArmBucket bucket) {
        return callsByScaleSet.get(scaleSet)[bucket.ordinal()][1];
    }

    long calls(ArmBucket bucket) {
        return calls[bucket.ordinal()][0];
    }

    long throttled(ArmBucket bucket) {
        return calls[bucket.ordinal()][1];
    }

    long totalCalls() {
        long n = 0;
        for (long[] c : calls) {
            n += c[0];
        }
        return n;
    }

    long totalThrottled() {
        long n = 0;
        for (long[] c : calls) {
            n += c[1];
        }
        return n;
    }

    double instanceMinutesPerJob() {
        return jobs == 0 ? 0 : instanceMinutes / jobs;
    }

    double callsPerJob() {
        return jobs == 0 ? 0 : (double) totalCalls() / jobs;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
