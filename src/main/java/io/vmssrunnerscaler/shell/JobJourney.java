package io.vmssrunnerscaler.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One job's way through the scaler, once it is over: each stage it went through with when it began
 * and ended, and the scale-set calls made while it waited.
 *
 * @param pool the pool's name (a pool over several scale sets is one pool here)
 * @param runnerName the runner that ran it, empty when it never started
 * @param stages in the order of {@link JobStage}, only those the job reached
 * @param calls scale-set calls of the pool answered while the job waited
 */
public record JobJourney(String pool, long jobId, String repository, String runnerName, List<StageTime> stages,
        List<CallTime> calls) {

    public JobJourney {
        stages = List.copyOf(stages);
        calls = List.copyOf(calls);
    }

    /** One stage of the job. */
    public record StageTime(JobStage stage, Instant start, Instant end) {
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    /**
     * A scale-set call: from when the engine asked for it (its wait for the Azure budget included)
     * to its answer.
     *
     * @param kind set_capacity, reimage, delete or list
     * @param outcome succeeded, failed or refused
     */
    public record CallTime(String scaleSet, String kind, String outcome, Instant start, Instant end) {
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    public Instant start() {
        return stages.get(0).start();
    }

    public Instant end() {
        return stages.get(stages.size() - 1).end();
    }

    /** Whether a runner ever started it (a job cancelled while waiting did not). */
    public boolean started() {
        return !runnerName.isEmpty();
    }
}
