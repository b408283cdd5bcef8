package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The promises the scaler makes, checked against the simulated world's ground truth. */
public final class WorldInvariants {
    private WorldInvariants() {}

    /** Every queued job started and completed exactly once. */
    public static void everyJobRan(SimEventLog log) {
        Set<Long> queued = jobs(log, SimEvent.Kind.JOB_QUEUED);
        Set<Long> started = jobs(log, SimEvent.Kind.JOB_STARTED);
        Set<Long> completed = jobs(log, SimEvent.Kind.JOB_COMPLETED);
        assertTrue(!queued.isEmpty(), "the run queued no job");
        assertEquals(Set.of(), missing(queued, started), "jobs queued but never started");
        assertEquals(Set.of(), missing(queued, completed), "jobs queued but never completed");
        assertEquals(queued.size(), log.of(SimEvent.Kind.JOB_COMPLETED).size(), "a job completed twice");
    }

    /**
     * Every queued job eventually succeeded exactly once, itself or a re-run of it ({@code originOf}:
     * the job of the first attempt that a job is or re-runs), and no job succeeded twice.
     */
    public static void everyJobEventuallySucceeded(SimEventLog log, LongUnaryOperator originOf) {
        Set<Long> queued = jobs(log, SimEvent.Kind.JOB_QUEUED);
        assertTrue(!queued.isEmpty(), "the run queued no job");
        Map<Long, Long> successes = log.of(SimEvent.Kind.JOB_COMPLETED).stream()
                .collect(Collectors.groupingBy(e -> originOf.applyAsLong(e.jobId()), Collectors.counting()));
        assertEquals(Set.of(), missing(queued, successes.keySet()), "jobs never completed, nor any re-run of them");
        assertEquals(Map.of(), successes.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "jobs that succeeded twice");
    }

    /** The queued jobs that never succeeded, nor did any re-run of them: lost for good. */
    public static Set<Long> lostForGood(SimEventLog log, LongUnaryOperator originOf) {
        Set<Long> succeeded = log.of(SimEvent.Kind.JOB_COMPLETED).stream().map(e -> originOf.applyAsLong(e.jobId()))
                .collect(Collectors.toSet());
        return jobs(log, SimEvent.Kind.JOB_QUEUED).stream().filter(j -> !succeeded.contains(j)).collect(Collectors.toSet());
    }

    /** Each job GitHub failed was re-run exactly once, and no other job was. */
    public static void failedJobsReRunOnce(SimEventLog log) {
        Map<Long, Long> reruns = log.of(SimEvent.Kind.JOB_RERUN).stream()
                .collect(Collectors.groupingBy(e -> Long.parseLong(e.detail()), Collectors.counting()));
        Map<Long, Long> once = jobs(log, SimEvent.Kind.JOB_FAILED).stream()
                .collect(Collectors.toMap(Function.identity(), j -> 1L));
        assertEquals(once, reruns, "re-runs per failed job");
    }

    /** No re-image, delete or scale-in ever hit a runner that was running a job. */
    public static void nothingBusyTouched(SimEventLog log) {
        assertEquals(0, log.of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED).size(),
                () -> "busy instances touched: " + log.of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED));
    }

    /** The scale set never held more instances than max, and no capacity call asked for more. */
    public static void capacityWithinMax(SimEventLog log, int max) {
        assertEquals(0, log.of(SimEvent.Kind.MAX_EXCEEDED).size(), () -> "over max: " + log.of(SimEvent.Kind.MAX_EXCEEDED));
        log.of(SimEvent.Kind.CAPACITY_SET).forEach(e ->
                assertTrue(e.value() <= max, () -> "capacity set to " + e.value() + " > max " + max));
    }

    private static Set<Long> missing(Set<Long> all, Set<Long> some) {
        return all.stream().filter(j -> !some.contains(j)).limit(20).collect(Collectors.toSet());
    }

    private static Set<Long> jobs(SimEventLog log, SimEvent.Kind kind) {
        return log.of(kind).stream().map(SimEvent::jobId).collect(Collectors.toSet());
    }
}
