package io.vmssrunnerscaler.busy;

import java.time.Instant;

/**
 * One runner that took a job, as stored: written when the job starts and removed once its VM has
 * been re-imaged or deleted, so that it survives restarts of the scaler in between.
 */
public record BusyMarker(String pool, String runnerName, String instanceId, long jobId, Instant since) implements Marker {

    @Override
    public String subject() {
        return runnerName;
    }
}
