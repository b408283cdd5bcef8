package io.vmssrunnerscaler.runtime;

import com.azure.core.credential.TokenCredential;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.config.PoolDefinitions;
import io.vmssrunnerscaler.config.RunnerConfigMode;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRedelivery;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.intake.AttestationNonces;
import io.vmssrunnerscaler.intake.HookTokens;
import io.vmssrunnerscaler.intake.IntakeKeys;
import io.vmssrunnerscaler.intake.RunnerAttestation;
import io.vmssrunnerscaler.operator.OperatorToken;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import io.vmssrunnerscaler.shell.LoggingPoolListener;
import io.vmssrunnerscaler.shell.PoolListener;
import io.vmssrunnerscaler.shell.Reconciler;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.sim.HttpEndpoints;
import io.vmssrunnerscaler.sim.RunningSimulation;
import io.vmssrunnerscaler.sim.SimAttestation;
import io.vmssrunnerscaler.sim.SimWorkload;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.status.JourneyTelemetry;
import io.vmssrunnerscaler.status.LostJobMetrics;
import io.vmssrunnerscaler.status.PoolMetricsListener;
import io.vmssrunnerscaler.time.SystemTimeSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The one place where the scaler is wired: validates the settings, picks the ports for the
 * configured cloud, and starts the loops. Everything it builds is plain Java.
 */
@ApplicationScoped
public class ScalerRuntime {
    private static final Logger LOG = Logger.getLogger(ScalerRuntime.class);
    /** Longer than a marker write's deadline and retries, shorter than a shutdown's patience. */
    private static final Duration STORE_SETTLE = Duration.ofSeconds(10);
    /** Nonces a source address may ask for a minute: a VM asks once per boot try. */
    private static final int NONCES_PER_MINUTE = 30;
    /** The simulator's VMs all call from the loopback address. */
    private static final int SIMULATED_NONCES_PER_MINUTE = 6000;

    private final ScalerConfig config;
    private volatile Scaler scaler;
    private volatile SimWorld world;
    private volatile AzurePorts azure;
    private final TokenCredential credential;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final IntakeKeys keys;
    private final RunningSimulation simulation;
    private final RunnerAttestation attestation;
    private final OperatorToken operatorToken;
    private final JourneyTelemetry journeyTelemetry;
    private volatile WebhookRedelivery redelivery;
    private SystemTimeSource time;

    ScalerRuntime(ScalerConfig config, TokenCredential credential, Vertx vertx, MeterRegistry metrics, IntakeKeys keys,
            RunningSimulation simulation, RunnerAttestation attestation, OperatorToken operatorToken,
            JourneyTelemetry journeyTelemetry) {
        this.journeyTelemetry = journeyTelemetry;
        this.attestation = attestation;
        this.metrics = metrics;
        this.config = config;
        this.credential = credential;
        this.vertx = vertx;
        this.keys = keys;
        this.simulation = simulation;
        this.operatorToken = operatorToken;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /**
     * Builds the ports and the pools' loops from nothing but the settings, and starts them: what
     * the scaler knows afterwards it has read from the scale sets, the busy store and GitHub.
     */
    public synchronized void start() {
        List<Pool> pools = PoolDefinitions.from(config, LaunchMode.current() == LaunchMode.NORMAL);
        boolean azureMode = config.cloud() == ScalerConfig.Cloud.AZURE;
        keys.expect(azureMode, azureMode && config.github().webhooksEnabled());
        operatorToken.expect();
        if (azureMode) {
            simulation.attach(null, null);
            requireAttestation(null);
            startAzure(pools);
        } else {
            keys.use(new HookTokens(hookTokenKey(), config.runners().hookTokenMaxAge()),
                    config.github().webhookSecret().filter(s -> !s.isEmpty()).map(WebhookSignature::new).orElse(null));
            operatorTokenFromConfig();
            startSimulated(pools);
        }
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
        world = new SimWorld(time, SimulatorWiring.settings(config.sim()), SimulatorWiring.scaleSets(pools));
        ShellContext context = new ShellContext(time, world.azure(), new InMemoryBusyStore(), world.gitHub(),
                config.batchWindow(), config.poolInboxLimit(),
                RunnerConfigMode.parse(config.runners().configMode()).orElseThrow() == RunnerConfigMode.REGISTRATION_TOKEN,
                Infrastructure.getDefaultWorkerPool());
        scaler = new Scaler(pools, context, this::listener, reconcileSettings(), this::jobVanished,
                new LostJobMetrics(metrics), journeyTelemetry);
        redelivery = webhookRedelivery(world.gitHub()).orElse(null);
        URI self = selfUri();
        // The simulator's signing authority (a key pair and two certificates) is made only when used.
        SimAttestation identity = attestationOff() ? null : new SimAttestation();
        requireAttestation(identity);
        world.connect(new HttpEndpoints(() -> self, config.github().webhookSecret().orElse(""), identity == null ? null
                : (name, vmId, nonce) -> identity.documentFor(vmId, subscriptionOf(pools, name), nonce, Instant.now())));
        scaler.start();
        ScalerConfig.SimConfig.Workload w = config.sim().workload();
        SimWorkload workload = new SimWorkload(world, SimulatorWiring.scaleSets(pools), w.labelMix(), w.jobsPerMinute(), w.minDuration(), w.maxDuration(),
                config.sim().seed());
        simulation.attach(world, workload);
        if (w.enabled()) {
            workload.start();
            workload.startBursts(w.burstSize(), Duration.ofSeconds(3), w.burstInterval());
            LOG.infof("simulator: demo workload on (%.1f jobs/min, bursts of %d every %ds); add jobs with POST /sim/jobs",
                    w.jobsPerMinute(), w.burstSize(), w.burstInterval().toSeconds());
        }
        LOG.info("simulator: scaler runs against a simulated VM Scale Set and GitHub (scaler.cloud=simulated); nothing in "
                + "Azure or GitHub is touched");
    }

    /**
     * Azure mode: real ports, built lazily. The webhook secret and the hook-token key come from Key
     * Vault; until both are read (retried with back-off while the vault is down) readiness stays
     * down and webhooks are answered 503.
     */
    private void startAzure(List<Pool> pools) {
        time = new SystemTimeSource(Clock.systemUTC(), "scaler-timer");
        azure = AzurePorts.create(config, pools, credential, vertx);
        ShellContext context = new ShellContext(time, azure.scaleSet(), azure.busyStore(), azure.gitHub(),
                config.batchWindow(), config.poolInboxLimit(),
                RunnerConfigMode.parse(config.runners().configMode()).orElseThrow() == RunnerConfigMode.REGISTRATION_TOKEN,
                Infrastructure.getDefaultWorkerPool());
        scaler = new Scaler(pools, context, this::listener, reconcileSettings(), this::jobVanished,
                new LostJobMetrics(metrics), journeyTelemetry);
        redelivery = webhookRedelivery(azure.gitHub()).orElse(null);
        scaler.start();
        loadVaultSecrets(1);
        loadOperatorToken(1);
        LOG.info("azure: scaler drives the configured VM Scale Sets (scaler.cloud=azure)");
    }

    /**
     * Runner VMs prove their identity unless attestation is off. The simulator's VMs are signed for
     * by its own authority, which the scaler then trusts besides the configured roots.
     */
    private void requireAttestation(SimAttestation simulated) {
        ScalerConfig.Runners runners = config.runners();
        if (attestationOff()) {
            attestation.off();
            LOG.warn("runner attestation is off (scaler.runners.attestation=off): any caller from"
                    + " scaler.runners.allowed-networks, a job on another runner included, may take a booting VM's"
                    + " runner configuration");
            return;
        }
        int perMinute = runners.noncesPerMinute().orElse(simulated != null ? SIMULATED_NONCES_PER_MINUTE : NONCES_PER_MINUTE);
        attestation.require(AttestationTrust.verifier(runners, simulated),
                new AttestationNonces(AttestationNonces.Limits.defaults(runners.nonceTtl(), perMinute)));
    }

    private boolean attestationOff() {
        return config.runners().attestation().equals("off");
    }

    /** The subscription of the pool whose naming the runner follows, as the simulated metadata service tells it. */
    private static String subscriptionOf(List<Pool> pools, String runnerName) {
        return pools.stream().filter(p -> p.ownsRunner(runnerName)).findFirst().map(p -> p.scaleSet().subscription())
                .orElse("simulated");
    }

    private PoolListener listener(Pool pool) {
        PoolListener log = new LoggingPoolListener(pool.name());
        PoolListener metered = new PoolMetricsListener(pool.name(), metrics, time);
        return (before, event, decision) -> {
            log.decided(before, event, decision);
            metered.decided(before, event, decision);
        };
    }

    /** {@code scaler_jobs_vanished_total{pool}}: waiting jobs GitHub answered 404 for, dropped from demand. */
    private void jobVanished(String pool, long jobId) {
        metrics.counter("scaler.jobs.vanished", "pool", pool).increment();
    }

    /** Only with webhooks on and the hook configured (its id, or the App's own): GitHub never redelivers on its own. */
    private Optional<WebhookRedelivery> webhookRedelivery(GitHubPort gitHub) {
        ScalerConfig.GitHub g = config.github();
        if (!g.webhooksEnabled() || (g.hookId().isEmpty() && !g.appHook())) {
            return Optional.empty();
        }
        WebhookRef hook = g.appHook() ? WebhookRef.app()
                : WebhookRef.of(RunnerScope.parse(g.hookScope().orElseThrow()), g.hookId().get());
        LOG.infof("%s: failed deliveries are redelivered (at most %d an hour)", hook, g.redelivery().hourlyBudget());
        return Optional.of(new WebhookRedelivery(gitHub, hook, Clock.systemUTC(), g.redelivery().hourlyBudget(),
                g.redelivery().lookBack()));
    }

    /** One pass over the webhook's recent deliveries; its outcome is logged and counted. */
    public void redeliverFailedDeliveries() {
        WebhookRedelivery r = redelivery;
        if (r == null || !keys.ready()) {
            return;
        }
        r.redeliverFailed().subscribe().with(pass -> {
            metrics.counter("scaler.webhook.redeliveries", "outcome", "redelivered").increment(pass.redelivered());
            metrics.counter("scaler.webhook.redeliveries", "outcome", "skipped-by-budget").increment(pass.skippedByBudget());
            metrics.counter("scaler.webhook.redeliveries", "outcome", "refused").increment(pass.refused());
            if (!pass.ok()) {
                LOG.warnf("webhook redelivery: %s", pass.error());
            } else if (pass.failed() > 0) {
                LOG.infof("webhook redelivery: %d failed delivery(ies) seen, %d redelivered, %d wait for budget",
                        pass.failed(), pass.redelivered(), pass.skippedByBudget());
            }
        });
    }

    private Reconciler.Settings reconcileSettings() {
        return new Reconciler.Settings(config.reconcile().jobCheckAge(), config.reconcile().jobChecksPerHour());
    }

    private void loadVaultSecrets(int attempt) {
        ScalerConfig.Azure.KeyVault vault = config.azure().keyVault();
        Uni<String> webhook = config.github().webhooksEnabled() ? azure.secrets().get(vault.webhookSecretSecret())
                : Uni.createFrom().item("");
        Uni.combine().all().unis(azure.secrets().get(vault.hookTokenKeySecret()), webhook).asTuple().subscribe().with(
                secrets -> {
                    keys.use(new HookTokens(secrets.getItem1().getBytes(StandardCharsets.UTF_8), config.runners().hookTokenMaxAge()),
                            secrets.getItem2().isEmpty() ? null : new WebhookSignature(secrets.getItem2()));
                    LOG.info("key vault: webhook secret and hook-token key read");
                },
                failure -> retryVault("secrets could not be read (" + failure + ")", attempt, this::loadVaultSecrets));
    }

    /**
     * The operator token, read apart from the intake's secrets: a missing one keeps the operator
     * endpoints at 503, not the webhooks. Retried with the same back-off while the vault is down.
     */
    private void loadOperatorToken(int attempt) {
        String name = config.azure().keyVault().operatorTokenSecret();
        azure.secrets().get(name).subscribe().with(
                token -> {
                    if (token.length() < OperatorToken.MIN_LENGTH) {
                        retryVault("operator token: secret " + name + " is shorter than " + OperatorToken.MIN_LENGTH
                                + " characters; operator endpoints answer 503", attempt, this::loadOperatorToken);
                        return;
                    }
                    operatorToken.use(token);
                    LOG.info("key vault: operator token read; operator endpoints need it (Authorization: Bearer)");
                },
                failure -> retryVault("operator token could not be read (" + failure + "); operator endpoints answer 503",
                        attempt, this::loadOperatorToken));
    }

    /** Another read of Key Vault after 2, 4, 8 ... 60 s, while it is down or the secret unusable. */
    private void retryVault(String why, int attempt, IntConsumer read) {
        Duration wait = Duration.ofSeconds(Math.min(60, 1L << Math.min(6, attempt)));
        LOG.warnf("key vault: %s; trying again in %s", why, wait);
        time.schedule(wait, () -> read.accept(attempt + 1));
    }

    /** Simulator mode: the configured token, or none and loopback callers only (a newcomer's {@code curl localhost}). */
    private void operatorTokenFromConfig() {
        Optional<String> token = config.operator().token();
        if (token.isPresent()) {
            operatorToken.use(token.get());
            LOG.info("operator endpoints need scaler.operator.token (Authorization: Bearer) from every caller");
        } else {
            operatorToken.openToLoopback();
            LOG.info("scaler.operator.token is not set: operator endpoints (/pools, /q/metrics, /sim, ...) answer "
                    + "callers on this host (127.0.0.0/8, ::1) only");
        }
    }

    private byte[] hookTokenKey() {
        Optional<String> key = config.runners().hookTokenKey();
        if (key.isPresent()) {
            return key.get().getBytes(StandardCharsets.UTF_8);
        }
        // Only the simulator gets here (azure mode reads the key from Key Vault), and its VMs go with
        // the process, so a random key costs nothing: no warning.
        LOG.debug("scaler.runners.hook-token-key is not set: the simulator's runners get hook tokens under a random key");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Stops deciding and drops the timers; calls already sent finish at Azure, their answers are not
     * awaited. The busy store's writes and reads in flight are awaited (a few seconds at most), so
     * that a start right after reads every marker, none hidden by a read still running.
     */
    public synchronized void stop() {
        if (scaler != null) {
            scaler.stop();
        }
        if (azure != null) {
            try {
                azure.busyStore().settle().await().atMost(STORE_SETTLE);
            } catch (RuntimeException e) {
                LOG.warnf("busy store: calls still running at stop (%s); the next start waits for hidden markers", e.toString());
            }
        }
        if (time != null) {
            time.close();
        }
    }

    public Scaler scaler() {
        return scaler;
    }

    /** The local copy of Azure's throttling budget, in azure mode. */
    public Optional<ThrottleBudget> throttle() {
        return Optional.ofNullable(azure).map(AzurePorts::throttle);
    }

    public ScalerConfig config() {
        return config;
    }

    /** The simulated world, when the scaler runs against it. */
    public Optional<SimWorld> world() {
        return Optional.ofNullable(world);
    }
}
