package io.vmssrunnerscaler.config;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.GitHubSite;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.operator.OperatorToken;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns {@code scaler.pools.*} into {@link Pool}s, collecting every problem with its key and
 * environment variable, so that one failed start-up names all of them.
 */
public final class PoolDefinitions {
    public static final String IMPLICIT_LABEL = "self-hosted";

    private PoolDefinitions() {}

    /** A listing per pass: at most 6 a minute, which leaves 4 of Azure's 10 for listings after growth. */
    static final Duration MIN_AZURE_RECONCILE = Duration.ofSeconds(10);

    /** The pools, or an exception listing every invalid key (not in production mode). */
    public static List<Pool> from(ScalerConfig config) {
        return from(config, false);
    }

    /**
     * The pools, or an exception listing every invalid key. In production mode, enabled webhooks
     * need a secret.
     */
    public static List<Pool> from(ScalerConfig config, boolean production) {
        List<String> problems = new ArrayList<>();
        List<Pool> pools = new ArrayList<>();
        checkService(config, production, problems);
        if (config.pools().isEmpty()) {
            problems.add(problem("scaler.pools", "no pool is configured; define at least scaler.pools.<name>.labels, .max and .scope"));
        }
        Map<String, String> scaleSetOwners = new HashMap<>();
        Map<String, String> prefixOwners = new HashMap<>();
        for (var entry : new TreeMap<>(config.pools()).entrySet()) {
            String name = entry.getKey();
            PoolConfig pool = entry.getValue();
            int before = problems.size();
            String prefix = "scaler.pools." + name + ".";
            checkPool(config.cloud(), prefix, pool, problems);
            if (problems.size() > before) {
                continue;
            }
            List<ScaleSetEntry> entries = scaleSetsOf(name, pool);
            boolean firstServing = true;
            for (ScaleSetEntry e : entries) {
                String owner = scaleSetOwners.putIfAbsent(e.ref().toString().toLowerCase(Locale.ROOT), name);
                if (owner != null) {
                    problems.add(problem(e.key() + "name", "scale set " + e.ref().name() + " is already driven by pool "
                            + owner + "; two pools on one scale set would fight over it"));
                    continue;
                }
                Pool built = toPool(name, pool, e, entries.size() > 1, firstServing);
                if (entries.subList(entries.indexOf(e) + 1, entries.size()).stream().anyMatch(later -> !later.drain())) {
                    // A scale set with a serving one after it: many evictions hold its growth back.
                    built = built.withSpec(built.spec().withEvictionLimit(new PoolSpec.EvictionLimit(
                            pool.evictionThreshold(), pool.evictionWindow(), pool.evictionCooldown())));
                }
                firstServing &= e.drain();
                String prefixOwner = prefixOwners.putIfAbsent(built.scope() + "/" + built.runnerNamePrefix(), name);
                if (prefixOwner != null) {
                    problems.add(problem(e.key() + "computer-name-prefix", "runner names starting '"
                            + built.runnerNamePrefix() + "' in " + built.scope() + " are already pool " + prefixOwner
                            + "'s; give each scale set its own computer-name prefix"));
                    continue;
                }
                pools.add(built);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return List.copyOf(pools);
    }

    /** The simulator's evictions and kills: rates per instance-hour, a share, positive delays. */
    private static void checkSimulatedLosses(ScalerConfig.SimConfig sim, List<String> problems) {
        if (!(sim.evictionRate() >= 0)) {
            problems.add(problem("scaler.sim.eviction-rate", "must not be negative, got " + sim.evictionRate()));
        }
        if (!(sim.killRate() >= 0)) {
            problems.add(problem("scaler.sim.kill-rate", "must not be negative, got " + sim.killRate()));
        }
        if (!(sim.evictionStormFraction() >= 0 && sim.evictionStormFraction() <= 1)) {
            problems.add(problem("scaler.sim.eviction-storm-fraction", "must be between 0 and 1, got "
                    + sim.evictionStormFraction()));
        }
        if (sim.evictionNotice().isNegative() || sim.lostRunnerTimeout().isNegative()) {
            problems.add(problem("scaler.sim.eviction-notice", "and lost-runner-timeout must not be negative"));
        }
    }

    private static void checkService(ScalerConfig config, boolean production, List<String> problems) {
        checkSimulatedLosses(config.sim(), problems);
        ScalerConfig.GitHub gitHub = config.github();
        boolean secretFromVault = config.cloud() == ScalerConfig.Cloud.AZURE;
        if (production && !secretFromVault && gitHub.webhooksEnabled()
                && gitHub.webhookSecret().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add(problem("scaler.github.webhook-secret", "is required while webhooks are enabled; set it, or set "
                    + "scaler.github.webhooks-enabled=false to work from the runners' hook calls alone"));
        }
        if (!gitHub.webhooksEnabled()) {
            config.pools().forEach((name, pool) -> {
                if (pool.min() < 1) {
                    problems.add(problem("scaler.pools." + name + ".min", "must be at least 1 when webhooks are off: "
                            + "queued jobs are invisible without them, so an empty pool would never grow"));
                }
            });
        }
        try {
            GitHubSite.ofApiUrl(gitHub.apiUrl());
        } catch (IllegalArgumentException e) {
            problems.add(problem("scaler.github.api-url", e.getMessage()));
        }
        checkRedelivery(gitHub, problems);
        if (RunnerConfigMode.parse(config.runners().configMode()).isEmpty()) {
            problems.add(problem("scaler.runners.config-mode", "must be jit or registration-token, got '"
                    + config.runners().configMode() + "'"));
        }
        try {
            io.vmssrunnerscaler.intake.SourceNetworks.parse(config.runners().allowedNetworks());
        } catch (IllegalArgumentException e) {
            problems.add(problem("scaler.runners.allowed-networks", e.getMessage()));
        }
        checkAttestation(config.runners(), problems);
        config.runners().hookTokenKey().filter(k -> k.length() < 32).ifPresent(k ->
                problems.add(problem("scaler.runners.hook-token-key", "must be at least 32 characters")));
        checkOperatorToken(config, problems);
        if (config.cloud() == ScalerConfig.Cloud.AZURE) {
            checkAzure(config, problems);
        }
    }

    private static void checkAttestation(ScalerConfig.Runners runners, List<String> problems) {
        if (!runners.attestation().equals("required") && !runners.attestation().equals("off")) {
            problems.add(problem("scaler.runners.attestation", "must be required or off, got '" + runners.attestation() + "'"));
        }
        Stream.of(runners.attestationTrustAnchors().map(f -> Map.entry("scaler.runners.attestation-trust-anchors", f)),
                runners.attestationIntermediates().map(f -> Map.entry("scaler.runners.attestation-intermediates", f)))
                .flatMap(Optional::stream)
                .filter(e -> !java.nio.file.Files.isReadable(java.nio.file.Path.of(e.getValue())))
                .forEach(e -> problems.add(problem(e.getKey(), "no readable file at " + e.getValue())));
        if (runners.nonceTtl().compareTo(Duration.ofSeconds(10)) < 0 || runners.nonceTtl().compareTo(Duration.ofMinutes(30)) > 0) {
            problems.add(problem("scaler.runners.nonce-ttl", "must be between 10s and 30m, got " + runners.nonceTtl()));
        }
        runners.noncesPerMinute().stream().filter(n -> n < 1).forEach(n ->
                problems.add(problem("scaler.runners.nonces-per-minute", "must be at least 1, got " + n)));
    }

    /** The operator token: long enough, and only where it is used (azure mode reads it from Key Vault). */
    private static void checkOperatorToken(ScalerConfig config, List<String> problems) {
        Optional<String> token = config.operator().token();
        if (token.isEmpty()) {
            return;
        }
        if (config.cloud() == ScalerConfig.Cloud.AZURE) {
            problems.add(problem("scaler.operator.token", "is not used with scaler.cloud=azure, where the operator token is "
                    + "the Key Vault secret " + config.azure().keyVault().operatorTokenSecret() + "; remove it"));
        } else if (token.get().length() < OperatorToken.MIN_LENGTH) {
            problems.add(problem("scaler.operator.token", "must be at least "
                    + OperatorToken.MIN_LENGTH + " characters (e.g. openssl rand -hex 32)"));
        }
    }

    private static void checkRedelivery(ScalerConfig.GitHub gitHub, List<String> problems) {
        gitHub.hookId().filter(id -> id <= 0).ifPresent(id ->
                problems.add(problem("scaler.github.hook-id", "must be a positive webhook id, got " + id)));
        if (gitHub.hookId().isPresent()) {
            Optional<String> scope = gitHub.hookScope().filter(v -> !v.isBlank());
            if (scope.isEmpty()) {
                problems.add(problem("scaler.github.hook-scope", "is required with scaler.github.hook-id: the repository "
                        + "owner/name or the organisation the webhook belongs to"));
            } else {
                try {
                    RunnerScope.parse(scope.get());
                } catch (IllegalArgumentException e) {
                    problems.add(problem("scaler.github.hook-scope", e.getMessage()));
                }
            }
        }
        if (gitHub.appHook() && gitHub.hookId().isPresent()) {
            problems.add(problem("scaler.github.app-hook", "set either scaler.github.hook-id or scaler.github.app-hook, "
                    + "not both: failed deliveries are redelivered for one webhook"));
        }
        if (gitHub.appHook() && gitHub.appId().isEmpty()) {
            problems.add(problem("scaler.github.app-hook", "needs scaler.github.app-id: GitHub lists and redelivers an "
                    + "App's webhook deliveries only for the App itself (its JWT)"));
        }
        ScalerConfig.GitHub.Redelivery r = gitHub.redelivery();
        if (r.hourlyBudget() < 0) {
            problems.add(problem("scaler.github.redelivery.hourly-budget", "must not be negative"));
        }
        if (r.lookBack().isNegative() || r.lookBack().isZero() || r.lookBack().compareTo(Duration.ofDays(3)) > 0) {
            problems.add(problem("scaler.github.redelivery.look-back", "must be more than 0 and at most 3 days "
                    + "(GitHub keeps deliveries that long), got " + r.lookBack()));
        }
        positive("scaler.github.redelivery.interval", r.interval(), problems);
    }

    /** Every setting azure mode cannot start without, all named at once. */
    private static void checkAzure(ScalerConfig config, List<String> problems) {
        ScalerConfig.Azure azure = config.azure();
        if (azure.queue().serviceUrl().isEmpty() && azure.queue().connectionString().isEmpty()) {
            problems.add(problem("scaler.azure.queue.service-url", "is required with scaler.cloud=azure "
                    + "(or scaler.azure.queue.connection-string)"));
        }
        required("scaler.azure.key-vault.url", azure.keyVault().url(), problems);
        positive("scaler.azure.throttle-period", azure.throttlePeriod(), problems);
        if (config.reconcile().interval().compareTo(MIN_AZURE_RECONCILE) < 0) {
            problems.add(problem("scaler.reconcile.interval", "must be at least " + MIN_AZURE_RECONCILE.toSeconds()
                    + "s with scaler.cloud=azure: each pass lists every scale set, and Azure allows 10 listings a minute "
                    + "per scale set, growth included; got " + config.reconcile().interval()));
        }
        if (config.reconcile().jobChecksPerHour() < 0) {
            problems.add(problem("scaler.reconcile.job-checks-per-hour", "must not be negative"));
        }
        if (config.github().appId().isPresent() != config.github().appInstallationId().isPresent()) {
            problems.add(problem(config.github().appId().isPresent() ? "scaler.github.app-installation-id" : "scaler.github.app-id",
                    "is required with the other: a GitHub App needs both its id and its installation id"));
        }
    }

    /** The pool's max; 0 when missing, which {@link #checkPool} reports. */
    static int maxOf(PoolConfig pool) {
        return pool.max().orElse(0);
    }

    private static void checkPool(ScalerConfig.Cloud cloud, String prefix, PoolConfig pool, List<String> problems) {
        if (pool.max().isEmpty()) {
            problems.add(problem(prefix + "max", "is required: the most instances the pool may have"));
        } else if (maxOf(pool) < 1) {
            problems.add(problem(prefix + "max", "must be at least 1, got " + maxOf(pool)));
        }
        if (pool.min() < 0) {
            problems.add(problem(prefix + "min", "must not be negative, got " + pool.min()));
        } else if (pool.max().isPresent() && pool.min() > maxOf(pool)) {
            problems.add(problem(prefix + "min", "must not exceed max (" + maxOf(pool) + "), got " + pool.min()));
        }
        if (pool.rerunsPerHour() < 0 || pool.rerunsPerHour() > 10000) {
            problems.add(problem(prefix + "reruns-per-hour", "must be between 0 and 10000, got " + pool.rerunsPerHour()));
        }
        if (pool.evictionThreshold() < 1) {
            problems.add(problem(prefix + "eviction-threshold", "must be at least 1, got " + pool.evictionThreshold()));
        }
        if (pool.evictionWindow().isNegative() || pool.evictionWindow().isZero()) {
            problems.add(problem(prefix + "eviction-window", "must be positive, got " + pool.evictionWindow()));
        }
        if (pool.evictionCooldown().isNegative()) {
            problems.add(problem(prefix + "eviction-cooldown", "must not be negative, got " + pool.evictionCooldown()));
        }
        if (pool.freePercent() < 0 || pool.freePercent() > 1000) {
            problems.add(problem(prefix + "free-percent", "must be between 0 and 1000, got " + pool.freePercent()));
        }
        WarmCapacityDefinitions.check(prefix, pool, problems);
        if (afterJob(pool.afterJob()).isEmpty()) {
            problems.add(problem(prefix + "after-job", "must be reimage-or-delete or delete, got '" + pool.afterJob() + "'"));
        }
        if (pool.labels().isEmpty()) {
            problems.add(problem(prefix + "labels", "is required: the runner labels the pool serves, such as linux,x64"));
        } else if (pool.labels().get().stream().allMatch(String::isBlank)) {
            problems.add(problem(prefix + "labels", "must name at least one label"));
        }
        positive(prefix + "boot-timeout", pool.bootTimeout(), problems);
        positive(prefix + "finish-grace", pool.finishGrace(), problems);
        positive(prefix + "queued-max-age", pool.queuedMaxAge(), problems);
        positive(prefix + "refusal-backoff", pool.refusalBackoff(), problems);
        if (pool.idleCooldown().isNegative()) {
            problems.add(problem(prefix + "idle-cooldown", "must not be negative"));
        }
        if (pool.scope().isEmpty()) {
            problems.add(problem(prefix + "scope", "is required: where runners register, owner/repo or an organisation"));
        } else {
            try {
                RunnerScope.parse(pool.scope().get());
            } catch (IllegalArgumentException e) {
                problems.add(problem(prefix + "scope", e.getMessage()));
            }
        }
        List<PoolConfig.Member> members = pool.scaleSets().orElse(List.of());
        if (members.isEmpty()) {
            checkScaleSet(cloud, prefix + "scale-set.", pool.scaleSet(), problems);
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            PoolConfig.Member m = members.get(i);
            String key = prefix + "scale-sets[" + i + "].";
            checkScaleSet(cloud, key, m, problems);
            if (m.name().filter(n -> !n.isBlank()).isEmpty() && cloud != ScalerConfig.Cloud.AZURE) {
                problems.add(problem(key + "name", "is required: each scale set of a pool needs its own name"));
            }
            if (m.max().isPresent() && m.max().getAsInt() < 1) {
                problems.add(problem(key + "max", "must be at least 1, got " + m.max().getAsInt()));
            }
        }
        if (members.stream().allMatch(PoolConfig.Member::drain)) {
            problems.add(problem(prefix + "scale-sets", "at least one scale set must not be draining"));
        }
    }

    private static void checkScaleSet(ScalerConfig.Cloud cloud, String key, PoolConfig.ScaleSet s, List<String> problems) {
        s.computerNamePrefix().filter(p -> !p.trim().matches("[A-Za-z0-9][A-Za-z0-9-]{0,57}")).ifPresent(p ->
                problems.add(problem(key + "computer-name-prefix", "must be 1 to 58 letters, digits or "
                        + "hyphens, starting with a letter or digit, got '" + p + "'")));
        if (cloud == ScalerConfig.Cloud.AZURE) {
            required(key + "subscription", s.subscription(), problems);
            required(key + "resource-group", s.resourceGroup(), problems);
            required(key + "name", s.name(), problems);
        }
    }

    /** One scale set of a pool, with the key prefix its settings are named by. */
    private record ScaleSetEntry(String key, ScaleSetRef ref, PoolConfig.ScaleSet config, int max, boolean drain,
            OptionalInt ownMax) {}

    private static List<ScaleSetEntry> scaleSetsOf(String pool, PoolConfig config) {
        List<PoolConfig.Member> members = config.scaleSets().orElse(List.of());
        if (members.isEmpty()) {
            return List.of(new ScaleSetEntry("scaler.pools." + pool + ".scale-set.", refOf(config.scaleSet(), pool),
                    config.scaleSet(), maxOf(config), false, OptionalInt.empty()));
        }
        List<ScaleSetEntry> entries = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            PoolConfig.Member m = members.get(i);
            entries.add(new ScaleSetEntry("scaler.pools." + pool + ".scale-sets[" + i + "].", refOf(m, pool), m,
                    m.max().orElse(maxOf(config)), m.drain(), m.max()));
        }
        return entries;
    }

    /**
     * One loop's pool. A pool that spans scale sets keeps its minimum on its first serving scale
     * set (the others start from zero), and a draining scale set has neither minimum nor new runners.
     */
    private static Pool toPool(String name, PoolConfig pool, ScaleSetEntry e, boolean spans, boolean firstServing) {
        Set<String> labels = new LinkedHashSet<>();
        labels.add(IMPLICIT_LABEL);
        pool.labels().orElseThrow().stream().filter(l -> !l.isBlank()).map(String::trim).forEach(labels::add);
        String loopName = spans ? Pool.memberName(name, e.ref().name()) : name;
        int min = e.drain() || !firstServing ? 0 : Math.min(pool.min(), e.max());
        PoolSpec spec = new PoolSpec(loopName, labels, min, e.max(), pool.freePercent(),
                afterJob(pool.afterJob()).orElseThrow(), pool.bootTimeout(), pool.idleCooldown(),
                pool.finishGrace(), pool.queuedMaxAge(), pool.refusalBackoff());
        spec = WarmCapacityDefinitions.apply(spec, pool, e.ownMax(), firstServing && !e.drain());
        String prefix = e.config().computerNamePrefix().map(p -> p.trim().toLowerCase(Locale.ROOT))
                .orElse(Pool.defaultRunnerNamePrefix(e.ref().name()));
        LossPolicy losses = new LossPolicy(pool.rerunLostJobs(), pool.rerunsPerHour());
        return new Pool(spec, RunnerScope.parse(pool.scope().orElseThrow()), pool.runnerGroup(), e.ref(), prefix, name, e.drain(), losses);
    }

    private static ScaleSetRef refOf(PoolConfig.ScaleSet s, String pool) {
        return new ScaleSetRef(s.subscription().orElse("simulated"), s.resourceGroup().orElse("simulated"),
                s.name().orElse(pool));
    }

    static Optional<AfterJob> afterJob(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "reimage-or-delete" -> Optional.of(AfterJob.REIMAGE_OR_DELETE);
            case "delete" -> Optional.of(AfterJob.DELETE);
            default -> Optional.empty();
        };
    }

    private static void positive(String key, Duration value, List<String> problems) {
        if (value.isZero() || value.isNegative()) {
            problems.add(problem(key, "must be positive, got " + value));
        }
    }

    private static void required(String key, Optional<String> value, List<String> problems) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(problem(key, "is required with scaler.cloud=azure"));
        }
    }

    /** {@code key (ENV_VAR): problem}. */
    static String problem(String key, String what) {
        String env = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return key + " (" + env + "): " + what;
    }
}
