package io.vmssrunnerscaler.busy;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The busy store of the simulator: the process is the whole world, so memory is enough. */
public final class InMemoryBusyStore implements BusyStore {
    private final ConcurrentMap<String, Marker> markers = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> markBusy(BusyMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearBusy(String pool, String runnerName) {
        return remove(pool, runnerName);
    }

    @Override
    public Uni<Void> markQueued(QueuedMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearQueued(String pool, long jobId) {
        return remove(pool, QueuedMarker.subjectOf(jobId));
    }

    @Override
    public Uni<Void> markLost(LostMarker marker) {
        return put(marker);
    }

    @Override
    public Uni<Void> clearLost(String pool, String subject) {
        return remove(pool, subject);
    }

    @Override
    public Uni<StoredMarkers> loadAll() {
        return Uni.createFrom().item(() -> StoredMarkers.of(markers.values()));
    }

    private Uni<Void> put(Marker marker) {
        markers.put(key(marker.pool(), marker.subject()), marker);
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> remove(String pool, String subject) {
        markers.remove(key(pool, subject));
        return Uni.createFrom().voidItem();
    }

    private static String key(String pool, String subject) {
        return pool + "/" + subject;
    }
}
