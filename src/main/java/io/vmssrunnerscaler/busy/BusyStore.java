package io.vmssrunnerscaler.busy;

import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * The pools' demand kept outside the process, so that a restart loses nothing: the busy runners,
 * the jobs waiting for one, and the lost jobs still to be re-run.
 */
public interface BusyStore {

    /** Records the marker, replacing any earlier one for the same runner. */
    Uni<Void> markBusy(BusyMarker marker);

    /** Removes the runner's marker; removing an absent one succeeds. */
    Uni<Void> clearBusy(String pool, String runnerName);

    /** Records a waiting job, replacing any earlier marker of the same job. */
    Uni<Void> markQueued(QueuedMarker marker);

    /** Removes the job's marker; removing an absent one succeeds. */
    Uni<Void> clearQueued(String pool, long jobId);

    /** Records a lost job still to follow up, replacing any earlier marker of the same subject. */
    Uni<Void> markLost(LostMarker marker);

    /** Removes a lost job's marker (by {@link LostMarker#subjectOf}); removing an absent one succeeds. */
    Uni<Void> clearLost(String pool, String subject);

    /** Every marker, for rebuilding state on start and for the reconcile loop. */
    Uni<StoredMarkers> loadAll();

    /**
     * Completes once every call made so far has finished (or failed): at shutdown, so that the
     * next start reads the markers of the last moments, not a queue some of them hide or miss.
     */
    default Uni<Void> settle() {
        return Uni.createFrom().voidItem();
    }

    /** Why the store is known to be down, from the outcome of its latest request; a check makes no call. */
    default Optional<String> problem() {
        return Optional.empty();
    }
}
