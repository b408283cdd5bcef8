package io.vmssrunnerscaler.runtime;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.shell.JourneyObserver;
import io.vmssrunnerscaler.shell.LostJobs;
import io.vmssrunnerscaler.shell.PoolListener;
import io.vmssrunnerscaler.shell.ReconcileListener;
import io.vmssrunnerscaler.shell.Reconciler;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scaler and the simulated world on a virtual clock: the same engine, loops, batching and
 * simulator as the running service, but hours of traffic take seconds. For tests and benchmarks.
 */
public final class VirtualRun {
    private final VirtualTimeSource time;
    private final SimWorld world;
    private final Scaler scaler;
    private final Duration tickInterval;
    private final Duration reconcileInterval;

    public VirtualRun(List<Pool> pools, SimSettings sim, Duration tickInterval, Duration batchWindow,
            Duration reconcileInterval, Instant start) {
        this(pools, sim, tickInterval, batchWindow, reconcileInterval, start, JourneyObserver.NONE);
    }

    /** @param journeys told of every stage of every job, and of each job's journey once it is over */
    public VirtualRun(List<Pool> pools, SimSettings sim, Duration tickInterval, Duration batchWindow,
            Duration reconcileInterval, Instant start, JourneyObserver journeys) {
        this.time = new VirtualTimeSource(start);
        this.world = new SimWorld(time, sim, SimulatorWiring.scaleSets(pools));
        ShellContext context = new ShellContext(time, world.azure(), new InMemoryBusyStore(), world.gitHub(),
                batchWindow, 100_000, false);
        this.scaler = new Scaler(pools, context, p -> PoolListener.NONE, Reconciler.Settings.defaults(),
                ReconcileListener.NONE, LostJobs.Listener.NONE, journeys);
        this.world.connect(new InProcessEndpoints(scaler.intake()));
        this.tickInterval = tickInterval;
        this.reconcileInterval = reconcileInterval;
    }

    /** Starts the scaler and its periodic tick and reconcile. */
    public VirtualRun start() {
        scaler.start();
        every(tickInterval, scaler::tick);
        every(reconcileInterval, scaler::reconcile);
        return this;
    }

    public void runFor(Duration duration) {
        time.runFor(duration);
    }

    public SimWorld world() {
        return world;
    }

    public Scaler scaler() {
        return scaler;
    }

    public VirtualTimeSource time() {
        return time;
    }

    private void every(Duration period, Runnable task) {
        time.schedule(period, () -> {
            task.run();
            every(period, task);
        });
    }
}
