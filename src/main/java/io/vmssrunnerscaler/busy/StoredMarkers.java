package io.vmssrunnerscaler.busy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Everything the store holds, split by kind. */
public record StoredMarkers(List<BusyMarker> busy, List<QueuedMarker> queued, List<LostMarker> lost) {

    public StoredMarkers {
        busy = List.copyOf(busy);
        queued = List.copyOf(queued);
        lost = List.copyOf(lost);
    }

    public StoredMarkers(List<BusyMarker> busy, List<QueuedMarker> queued) {
        this(busy, queued, List.of());
    }

    public static StoredMarkers of(Collection<? extends Marker> markers) {
        List<BusyMarker> busy = new ArrayList<>();
        List<QueuedMarker> queued = new ArrayList<>();
        List<LostMarker> lost = new ArrayList<>();
        for (Marker m : markers) {
            if (m instanceof BusyMarker b) {
                busy.add(b);
            } else if (m instanceof QueuedMarker q) {
                queued.add(q);
            } else if (m instanceof LostMarker l) {
                lost.add(l);
            }
        }
        return new StoredMarkers(busy, queued, lost);
    }
}
