package io.vmssrunnerscaler.busy.queue;

import io.vmssrunnerscaler.busy.Marker;

/** Identifies a marker across pools: one message per key, and writes per key in order. */
record MarkerKey(String pool, String subject) {
    static MarkerKey of(Marker marker) {
        return new MarkerKey(marker.pool(), marker.subject());
    }
}
