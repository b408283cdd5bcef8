package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.time.Instant;
import java.util.Optional;

/** How the simulated GitHub and runner VMs reach the scaler: the same calls the real ones make. */
public interface ScalerEndpoints {

    /**
     * GitHub delivers a {@code workflow_job} webhook under this {@code X-GitHub-Delivery} GUID
     * (a redelivery keeps it). Completes with the HTTP status of the scaler's answer, 0 when none
     * came; never fails.
     */
    Uni<Integer> deliver(String deliveryId, WorkflowJob job);

    /**
     * A runner VM's cloud-init asks for its configuration, proving it is the VM {@code vmId} where
     * the scaler asks for that; empty means "not now, try again".
     */
    Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId);

    /**
     * The VM saw its runner online at GitHub (listening for jobs). Only tells where time went, so a
     * scaler (or a benchmark's policy) may ignore it.
     */
    default void runnerOnline(String runnerName) {
    }

    /** The runner's job-started hook. */
    void jobStarted(String runnerName);

    /** The runner's job-completed hook. */
    void jobCompleted(String runnerName);

    /**
     * The VM's watcher of Azure's scheduled events saw a {@code Preempt} or {@code Terminate} of its
     * VM, which Azure carries out at {@code notBefore}; it tells the scaler at once.
     */
    void evicted(String runnerName, EvictionKind kind, Instant notBefore);
}
