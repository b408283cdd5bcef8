package io.vmssrunnerscaler.github;

/**
 * A workflow job as GitHub reports it.
 *
 * @param status queued, in_progress, completed, waiting, requested or pending
 * @param conclusion null until completed
 * @param runnerName null until a runner took the job
 */
public record JobInfo(long id, String status, String conclusion, String runnerName) {

    public boolean completed() {
        return "completed".equals(status);
    }
}
