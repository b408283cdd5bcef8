package io.vmssrunnerscaler.busy;

import java.time.Instant;

/**
 * One runner that took a job, as stored: written when the job starts and removed once its VM has
 * been re-imaged or deleted, so that it survives restarts of the scaler in between.
 *
 * @param repository the job's {@code owner/name}, empty when not known: what GitHub must be asked
 *     about the job if the runner turns out lost after a restart
 */
public record BusyMarker(String pool, String runnerName, String instanceId, long jobId, String repository, Instant since)
        implements Marker {

    public BusyMarker {
        repository = repository == null ? "" : repository;
    }

    /** For a job whose repository is not known. */
    public BusyMarker(String pool, String runnerName, String instanceId, long jobId, Instant since) {
        this(pool, runnerName, instanceId, jobId, "", since);
    }

    @Override
    public String subject() {
        return runnerName;
    }
}
