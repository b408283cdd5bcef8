package io.vmssrunnerscaler.runtime;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.intake.HookTokens;
import io.vmssrunnerscaler.intake.SourceNetworks;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.pool.PoolDefinitions;
import io.vmssrunnerscaler.pool.RunnerConfigMode;
import io.vmssrunnerscaler.pool.ScalerConfig;
import io.vmssrunnerscaler.shell.LoggingPoolListener;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.shell.SystemTimeSource;
import io.vmssrunnerscaler.sim.HttpEndpoints;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorkload;
import io.vmssrunnerscaler.sim.SimWorld;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The one place where the scaler is wired: validates the settings, picks the ports for the
 * configured cloud, and starts the loops. Everything it builds is plain Java.
 */
@ApplicationScoped
public class ScalerRuntime {
    private static final Logger LOG = Logger.getLogger(ScalerRuntime.class);

    private final ScalerConfig config;
    private volatile Scaler scaler;
    private volatile SimWorld world;
    private volatile SimWorkload workload;
    private HookTokens hookTokens;
    private SourceNetworks runnerNetworks;
    private SystemTimeSource time;

    ScalerRuntime(ScalerConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        List<Pool> pools = PoolDefinitions.from(config, LaunchMode.current() == LaunchMode.NORMAL);
        if (config.cloud() == ScalerConfig.Cloud.AZURE) {
            throw new IllegalStateException("scaler.cloud=azure is not available in this build yet; use scaler.cloud=simulated");
        }
        runnerNetworks = SourceNetworks.parse(config.runners().allowedNetworks());
        hookTokens = new HookTokens(hookTokenKey(), config.runners().hookTokenMaxAge());
        startSimulated(pools);
        pools.forEach(p -> LOG.infof("pool %s: labels %s, min %d, max %d, free %d%%, scale set %s, scope %s",
                p.name(), p.labels(), p.spec().min(), p.spec().max(), p.spec().freePercent(), p.scaleSet().name(), p.scope()));
        if (!config.github().webhooksEnabled()) {
            LOG.info("webhooks are off: demand is seen only through the runners' hook calls");
        }
    }

    /** The simulator reaches the scaler through its own HTTP port (the test port under tests). */
    private static URI selfUri() {
        boolean test = LaunchMode.current() == LaunchMode.TEST;
        int port = ConfigProvider.getConfig()
                .getOptionalValue(test ? "quarkus.http.test-port" : "quarkus.http.port", Integer.class)
                .orElse(test ? 8081 : 8080);
        return URI.create("http://127.0.0.1:" + port);
    }

    private void startSimulated(List<Pool> pools) {
        time = new SystemTimeSource(Clock.systemUTC(), "simulator");
        world = new SimWorld(time, SimSettings.from(config.sim()), pools);
        ShellContext context = new ShellContext(time, world.azure(), new InMemoryBusyStore(), world.gitHub(),
                config.batchWindow(), config.poolInboxLimit(),
                RunnerConfigMode.parse(config.runners().configMode()).orElseThrow() == RunnerConfigMode.REGISTRATION_TOKEN);
        scaler = new Scaler(pools, context, p -> new LoggingPoolListener(p.name()));
        URI self = selfUri();
        world.connect(new HttpEndpoints(() -> self, config.github().webhookSecret().orElse("")));
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

    private byte[] hookTokenKey() {
        Optional<String> key = config.runners().hookTokenKey();
        if (key.isPresent()) {
            return key.get().getBytes(StandardCharsets.UTF_8);
        }
        LOG.warn("scaler.runners.hook-token-key is not set: using a random key; a restart invalidates the hook tokens "
                + "of running VMs (their hooks then fail harmlessly, and jobs are still seen through webhooks)");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (time != null) {
            time.close();
        }
    }

    public Scaler scaler() {
        return scaler;
    }

    public HookTokens hookTokens() {
        return hookTokens;
    }

    public SourceNetworks runnerNetworks() {
        return runnerNetworks;
    }

    /** The simulated world, when the scaler runs against it. */
    public Optional<SimWorld> world() {
        return Optional.ofNullable(world);
    }

    public Optional<SimWorkload> workload() {
        return Optional.ofNullable(workload);
    }
}
