package io.vmssrunnerscaler.busy;

import java.time.Instant;

/**
 * A job waiting for a runner, as stored: a restarted scaler still counts it as demand, although
 * GitHub will not send its {@code queued} delivery again.
 *
 * @param repository {@code owner/name}, for asking GitHub about the job; may be empty
 */
public record QueuedMarker(String pool, long jobId, String repository, Instant since) implements Marker {

    /** Runner names hold no spaces, so a job's subject never collides with a runner's. */
    public static String subjectOf(long jobId) {
        return "job " + jobId;
    }

    @Override
    public String subject() {
        return subjectOf(jobId);
    }
}
