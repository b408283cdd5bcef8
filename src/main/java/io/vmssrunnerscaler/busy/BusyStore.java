package io.vmssrunnerscaler.busy;

import io.smallrye.mutiny.Uni;
import java.util.List;

/** The set of busy runners, kept outside the process so that a restart loses nothing. */
public interface BusyStore {

    /** Records the marker, replacing any earlier one for the same runner. */
    Uni<Void> markBusy(BusyMarker marker);

    /** Removes the runner's marker; removing an absent one succeeds. */
    Uni<Void> clearBusy(String pool, String runnerName);

    /** Every marker, for rebuilding state on start. */
    Uni<List<BusyMarker>> loadAll();
}
