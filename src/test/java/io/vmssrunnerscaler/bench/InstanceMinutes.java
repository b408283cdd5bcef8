package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.sim.SimEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Instance-minutes per scale set, folded from the simulator's event log in order: each instance
 * counts from its creation to its deletion, eviction or kill, or to the end of the run.
 */
final class InstanceMinutes {
    private final Map<String, Integer> live = new HashMap<>();
    private final Map<String, Double> minutes = new LinkedHashMap<>();
    private int liveTotal;
    private Instant last;

    /** Accrues the time up to {@code e}, then applies it. Events must come in the log's order. */
    void on(SimEvent e) {
        accrue(e.at());
        switch (e.kind()) {
            case INSTANCE_CREATED -> change(e.scaleSet(), 1);
            case INSTANCE_DELETED, INSTANCE_EVICTED, INSTANCE_KILLED -> change(e.scaleSet(), -1);
            default -> { }
        }
    }

    /** Accrues the time up to the end of the run. */
    void end(Instant end) {
        accrue(end);
    }

    /** Instances of all scale sets now. */
    int liveTotal() {
        return liveTotal;
    }

    /** The span in minutes, as instance-minutes are counted. */
    static double minutesBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 60_000.0;
    }

    double of(String scaleSet) {
        return minutes.getOrDefault(scaleSet, 0.0);
    }

    double total() {
        return minutes.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private void change(String scaleSet, int by) {
        live.merge(scaleSet, by, Integer::sum);
        liveTotal += by;
    }

    private void accrue(Instant at) {
        if (last != null) {
            double span = minutesBetween(last, at);
            live.forEach((set, n) -> minutes.merge(set, n * span, Double::sum));
        }
        last = at;
    }
}
