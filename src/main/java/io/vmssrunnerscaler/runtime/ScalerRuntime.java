package io.vmssrunnerscaler.runtime;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.pool.PoolDefinitions;
import io.vmssrunnerscaler.pool.ScalerConfig;
import io.vmssrunnerscaler.shell.LoggingPoolListener;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.shell.SystemTimeSource;
import io.vmssrunnerscaler.sim.InProcessEndpoints;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorkload;
import io.vmssrunnerscaler.sim.SimWorld;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one place where the scaler is wired: validates the pools, picks the ports for the
 * configured cloud, and starts the loops. Everything it builds is plain Java.
 */
@ApplicationScoped
public class ScalerRuntime {
    private static final Logger LOG = Logger.getLogger(ScalerRuntime.class);

    private final ScalerConfig config;
    private volatile Scaler scaler;
    private volatile SimWorld world;
    private volatile SimWorkload workload;
    private SystemTimeSource time;

    ScalerRuntime(ScalerConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        List<Pool> pools = PoolDefinitions.from(config);
        if (config.cloud() == ScalerConfig.Cloud.AZURE) {
            throw new IllegalStateException("scaler.cloud=azure is not available in this build yet; use scaler.cloud=simulated");
        }
        startSimulated(pools);
        pools.forEach(p -> LOG.infof("pool %s: labels %s, min %d, max %d, free %d%%, scale set %s, scope %s",
                p.name(), p.labels(), p.spec().min(), p.spec().max(), p.spec().freePercent(), p.scaleSet().name(), p.scope()));
    }

    private void startSimulated(List<Pool> pools) {
        time = new SystemTimeSource(Clock.systemUTC(), "simulator");
        world = new SimWorld(time, SimSettings.from(config.sim()), pools);
        ShellContext context = new ShellContext(time, world.azure(), new InMemoryBusyStore(), config.batchWindow(),
                config.poolInboxLimit());
        scaler = new Scaler(pools, context, world.gitHub(), p -> new LoggingPoolListener(p.name()));
        world.connect(new InProcessEndpoints(scaler.intake()));
        scaler.start();
        ScalerConfig.SimConfig.Workload w = config.sim().workload();
        workload = new SimWorkload(world, pools, w.labelMix(), w.jobsPerMinute(), w.minDuration(), w.maxDuration(),
                config.sim().seed());
        if (w.enabled()) {
            workload.start();
            workload.startBursts(w.burstSize(), Duration.ofSeconds(3), w.burstInterval());
            LOG.infof("simulator: demo workload on (%.1f jobs/min, bursts of %d every %s)", w.jobsPerMinute(),
                    w.burstSize(), w.burstInterval());
        }
        LOG.info("simulator: scaler runs against a simulated VM Scale Set and GitHub (scaler.cloud=simulated)");
    }

    void onStop(@Observes ShutdownEvent event) {
        if (time != null) {
            time.close();
        }
    }

    public Scaler scaler() {
        return scaler;
    }

    /** The simulated world, when the scaler runs against it. */
    public Optional<SimWorld> world() {
        return Optional.ofNullable(world);
    }

    public Optional<SimWorkload> workload() {
        return Optional.ofNullable(workload);
    }
}
