package io.vmssrunnerscaler.sim;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** Append-only record of the simulated world; readable from any thread while the world runs. */
public final class SimEventLog {
    private static final int LIMIT = 1_000_000;
    private final ConcurrentLinkedQueue<SimEvent> events = new ConcurrentLinkedQueue<>();

    void add(SimEvent event) {
        if (events.size() < LIMIT) {
            events.add(event);
        }
    }

    public List<SimEvent> events() {
        return List.copyOf(events);
    }

    public List<SimEvent> of(SimEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    public long count(Predicate<SimEvent> filter) {
        return events.stream().filter(filter).count();
    }
}
