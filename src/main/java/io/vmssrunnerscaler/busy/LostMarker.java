package io.vmssrunnerscaler.busy;

import java.time.Instant;

/**
 * A job lost with its runner whose follow-up (asking GitHub how it ended, re-running it) is not
 * done yet, as stored: a restart in between still re-runs it.
 *
 * @param jobId the job, 0 while not known (then the runner's name is the subject)
 * @param repository {@code owner/name}, empty when not known
 * @param reason why it was lost, in the words of {@code GET /pools} ({@code evicted}, {@code vanished}, ...)
 * @param since when it was found lost
 */
public record LostMarker(String pool, long jobId, String repository, String runnerName, String reason, Instant since)
        implements Marker {

    public LostMarker {
        repository = repository == null ? "" : repository;
    }

    /** Runner names and job ids hold no spaces, so these never collide with a runner's or a waiting job's subject. */
    public static String subjectOf(long jobId, String runnerName) {
        return jobId != 0 ? "lost " + jobId : "lost runner " + runnerName;
    }

    @Override
    public String subject() {
        return subjectOf(jobId, runnerName);
    }
}
