package io.vmssrunnerscaler.busy;

/** What the store keeps for a pool: a busy runner, or a job waiting for one. One per subject. */
public sealed interface Marker permits BusyMarker, QueuedMarker {

    String pool();

    /** Unique within the pool; a later marker with the same subject replaces an earlier one. */
    String subject();
}
