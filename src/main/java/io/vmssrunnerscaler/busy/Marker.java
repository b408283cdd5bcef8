package io.vmssrunnerscaler.busy;

/** What the store keeps for a pool: a busy runner, a job waiting for one, or a lost job to follow up. One per subject. */
public sealed interface Marker permits BusyMarker, QueuedMarker, LostMarker {

    String pool();

    /** Unique within the pool; a later marker with the same subject replaces an earlier one. */
    String subject();
}
