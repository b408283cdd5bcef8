package io.vmssrunnerscaler.github;

/**
 * A workflow job as GitHub reports it.
 *
 * @param runId the workflow run the job belongs to (0 when not known)
 * @param status queued, in_progress, completed, waiting, requested or pending
 * @param conclusion null until completed
 * @param runnerName null until a runner took the job
 */
public record JobInfo(long id, long runId, String status, String conclusion, String runnerName) {

    /** A job whose run is not known. */
    public JobInfo(long id, String status, String conclusion, String runnerName) {
        this(id, 0, status, conclusion, runnerName);
    }

    public boolean completed() {
        return "completed".equals(status);
    }
}
