package io.vmssrunnerscaler.busy;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The busy store of the simulator: the process is the whole world, so memory is enough. */
public final class InMemoryBusyStore implements BusyStore {
    private final ConcurrentMap<String, BusyMarker> markers = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> markBusy(BusyMarker marker) {
        markers.put(key(marker.pool(), marker.runnerName()), marker);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> clearBusy(String pool, String runnerName) {
        markers.remove(key(pool, runnerName));
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<BusyMarker>> loadAll() {
        return Uni.createFrom().item(List.copyOf(markers.values()));
    }

    private static String key(String pool, String runnerName) {
        return pool + "/" + runnerName;
    }
}
