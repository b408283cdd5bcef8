package io.vmssrunnerscaler.shell;

/** Hears what a reconcile pass found beyond what it hands the engine (metrics). Must be quick. */
public interface ReconcileListener {

    /** GitHub no longer knows a job the pool counted as waiting (404); it has left the pool's demand. */
    void jobVanished(String pool, long jobId);

    ReconcileListener NONE = (pool, jobId) -> { };
}
