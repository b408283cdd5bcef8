package io.vmssrunnerscaler.busy;

import java.time.Instant;

/** One busy runner, as stored: survives restarts of the scaler. */
public record BusyMarker(String pool, String runnerName, String instanceId, long jobId, Instant since) implements Marker {

    @Override
    public String subject() {
        return runnerName;
    }
}
