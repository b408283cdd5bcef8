package io.vmssrunnerscaler.busy.queue;

import io.vmssrunnerscaler.busy.BusyMarker;

/** Identifies a runner across pools: a marker per key, and writes per key in order. */
record RunnerKey(String pool, String runner) {
    static RunnerKey of(BusyMarker marker) {
        return new RunnerKey(marker.pool(), marker.runnerName());
    }
}
