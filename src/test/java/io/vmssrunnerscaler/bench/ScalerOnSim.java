package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.InProcessEndpoints;
import io.vmssrunnerscaler.shell.JourneyObserver;
import io.vmssrunnerscaler.shell.LostJobs;
import io.vmssrunnerscaler.shell.PoolListener;
import io.vmssrunnerscaler.shell.ReconcileListener;
import io.vmssrunnerscaler.shell.Reconciler;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.util.List;

/**
 * The scaler as the benchmarks run it on the simulator: its pool loops and intake, in-process
 * endpoints, its scale-set calls through the production throttle budget ({@link BudgetedScaleSet}:
 * wait at most 60 s, 4 tries), an in-memory busy store, a tick and a listing refresh on the virtual
 * clock. For {@link PolicyRun} and {@link ReplayRun}.
 */
record ScalerOnSim(Scaler scaler, BudgetedScaleSet port) {

    static ScalerOnSim start(SimWorld world, VirtualTimeSource time, List<Pool> pools, Duration batchWindow,
            Duration tick, Duration refresh) {
        return start(world, time, pools, batchWindow, tick, refresh, JourneyObserver.NONE);
    }

    /** @param journeys told where each job's time went */
    static ScalerOnSim start(SimWorld world, VirtualTimeSource time, List<Pool> pools, Duration batchWindow,
            Duration tick, Duration refresh, JourneyObserver journeys) {
        BudgetedScaleSet port = new BudgetedScaleSet(world.azure(), time, Duration.ofSeconds(60), 4);
        ShellContext context = new ShellContext(time, port, new InMemoryBusyStore(), world.gitHub(), batchWindow,
                100_000, false);
        Scaler scaler = new Scaler(pools, context, p -> PoolListener.NONE, Reconciler.Settings.defaults(),
                ReconcileListener.NONE, LostJobs.Listener.NONE, journeys);
        world.connect(new InProcessEndpoints(scaler.intake()));
        scaler.start();
        every(time, tick, scaler::tick);
        every(time, refresh, scaler::refresh);
        return new ScalerOnSim(scaler, port);
    }

    private static void every(VirtualTimeSource time, Duration period, Runnable task) {
        time.schedule(period, () -> {
            task.run();
            every(time, period, task);
        });
    }
}
