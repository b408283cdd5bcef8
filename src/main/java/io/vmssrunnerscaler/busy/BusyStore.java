package io.vmssrunnerscaler.busy;

import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * The pools' demand kept outside the process, so that a restart loses nothing: the busy runners
 * and the jobs waiting for one.
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

    /** Every marker, for rebuilding state on start and for the reconcile loop. */
    Uni<StoredMarkers> loadAll();

    /** Why the store is known to be down, from the outcome of its latest request; a check makes no call. */
    default Optional<String> problem() {
        return Optional.empty();
    }
}
