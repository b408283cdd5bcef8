package io.vmssrunnerscaler.github;

/**
 * A workflow run as GitHub reports it.
 *
 * @param status queued, in_progress, completed, waiting, requested or pending
 * @param conclusion null until completed
 * @param runAttempt 1 for the first attempt, one more for each re-run
 */
public record RunInfo(long id, String status, String conclusion, int runAttempt) {

    /** Only a completed run can be re-run. */
    public boolean completed() {
        return "completed".equals(status);
    }
}
