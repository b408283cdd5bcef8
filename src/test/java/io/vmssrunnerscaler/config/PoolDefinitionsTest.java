package io.vmssrunnerscaler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pools from configuration, through the real SmallRye mapping; each invalid key is named with its problem. */
class PoolDefinitionsTest {

    static ScalerConfig config(Map<String, String> properties) {
        return ScalerConfigs.of(new PropertiesConfigSource(properties, "test", 500));
    }

    static Map<String, String> valid() {
        Map<String, String> p = new HashMap<>();
        p.put("scaler.cloud", "simulated");
        p.put("scaler.pools.linux.labels", "Linux,x64");
        p.put("scaler.pools.linux.min", "1");
        p.put("scaler.pools.linux.max", "4");
        p.put("scaler.pools.linux.scope", "octo-org/app");
        return p;
    }

    @Test
    void aValidPoolGetsDefaultsAndTheImplicitLabel() {
        Pool pool = PoolDefinitions.from(config(valid())).get(0);
        assertEquals("linux", pool.name());
        assertEquals(java.util.Set.of("self-hosted", "linux", "x64"), pool.labels());
        assertEquals(25, pool.spec().freePercent());
        assertEquals(AfterJob.REIMAGE_OR_DELETE, pool.spec().afterJob());
        assertEquals("linux", pool.scaleSet().name());
        assertEquals("octo-org/app", pool.scope().toString());
    }

    @Test
    void aPoolOverSeveralScaleSetsGetsOneLoopPerScaleSetInOrder() {
        Map<String, String> p = valid();
        p.put("scaler.cloud", "simulated");
        p.put("scaler.pools.linux.max", "10");
        p.put("scaler.pools.linux.scale-sets[0].name", "linux-spot");
        p.put("scaler.pools.linux.scale-sets[0].max", "6");
        p.put("scaler.pools.linux.scale-sets[1].name", "linux-regular");
        p.put("scaler.pools.linux.scale-sets[2].name", "linux-old");
        p.put("scaler.pools.linux.scale-sets[2].drain", "true");
        List<Pool> pools = PoolDefinitions.from(config(p));
        assertEquals(List.of("linux@linux-spot", "linux@linux-regular", "linux@linux-old"), pools.stream().map(Pool::name).toList());
        assertTrue(pools.stream().allMatch(x -> x.poolName().equals("linux")));
        assertEquals(List.of(1, 0, 0), pools.stream().map(x -> x.spec().min()).toList(), "the pool's min on its first scale set");
        assertEquals(List.of(6, 10, 10), pools.stream().map(x -> x.spec().max()).toList(), "max per scale set, the pool's by default");
        assertEquals(List.of(false, false, true), pools.stream().map(Pool::draining).toList());
        assertEquals(List.of("linuxspot", "linuxregu", "linuxold"), pools.stream().map(Pool::runnerNamePrefix).toList());
        assertEquals(List.of(3, 0, 0), pools.stream().map(x -> x.spec().evictionLimit().threshold()).toList(),
                "only a scale set with a serving one after it holds growth back after evictions");
    }

    @Test
    void lossSettingsReachThePoolAndItsScaleSets() {
        Map<String, String> p = valid();
        p.put("scaler.cloud", "simulated");
        p.put("scaler.pools.linux.rerun-lost-jobs", "true");
        p.put("scaler.pools.linux.reruns-per-hour", "7");
        p.put("scaler.pools.linux.eviction-threshold", "5");
        p.put("scaler.pools.linux.eviction-window", "20m");
        p.put("scaler.pools.linux.eviction-cooldown", "1h");
        p.put("scaler.pools.linux.scale-sets[0].name", "linux-spot");
        p.put("scaler.pools.linux.scale-sets[1].name", "linux-regular");
        List<Pool> pools = PoolDefinitions.from(config(p));
        assertEquals(List.of(new LossPolicy(true, 7), new LossPolicy(true, 7)), pools.stream().map(Pool::losses).toList());
        assertEquals(new PoolSpec.EvictionLimit(5, Duration.ofMinutes(20), Duration.ofHours(1)), pools.get(0).spec().evictionLimit());
        assertEquals(PoolSpec.EvictionLimit.NONE, pools.get(1).spec().evictionLimit());
        p.remove("scaler.pools.linux.scale-sets[0].name");
        p.remove("scaler.pools.linux.scale-sets[1].name");
        assertEquals(PoolSpec.EvictionLimit.NONE, PoolDefinitions.from(config(p)).get(0).spec().evictionLimit(),
                "a pool of one scale set has nowhere else to grow");
    }

    @Test
    void everyMissingKeyOfEveryScaleSetIsNamedInAzureMode() {
        Map<String, String> p = valid();
        p.put("scaler.cloud", "azure");
        p.put("scaler.azure.queue.service-url", "https://q.example");
        p.put("scaler.azure.key-vault.url", "https://v.example");
        p.put("scaler.pools.linux.scale-sets[0].subscription", "sub");
        p.put("scaler.pools.linux.scale-sets[0].resource-group", "rg");
        p.put("scaler.pools.linux.scale-sets[0].name", "a");
        p.put("scaler.pools.linux.scale-sets[1].name", "b");
        p.put("scaler.pools.linux.scale-sets[1].max", "0");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.getMessage().contains(
                "scaler.pools.linux.scale-sets[1].subscription (SCALER_POOLS_LINUX_SCALE_SETS_1__SUBSCRIPTION): is required"), e.getMessage());
        assertTrue(e.getMessage().contains("scaler.pools.linux.scale-sets[1].resource-group"), e.getMessage());
        assertTrue(e.getMessage().contains("scaler.pools.linux.scale-sets[1].max (SCALER_POOLS_LINUX_SCALE_SETS_1__MAX): must be at least 1"),
                e.getMessage());
    }

    @Test
    void scaleSetsOfAPoolNeedTheirOwnRunnerNamesAndOneMustServe() {
        Map<String, String> p = valid();
        p.put("scaler.pools.linux.scale-sets[0].name", "a");
        p.put("scaler.pools.linux.scale-sets[0].computer-name-prefix", "run");
        p.put("scaler.pools.linux.scale-sets[0].drain", "true");
        p.put("scaler.pools.linux.scale-sets[1].name", "b");
        p.put("scaler.pools.linux.scale-sets[1].computer-name-prefix", "run");
        p.put("scaler.pools.linux.scale-sets[1].drain", "true");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.getMessage().contains("scaler.pools.linux.scale-sets (SCALER_POOLS_LINUX_SCALE_SETS): at least one"), e.getMessage());
        p.put("scaler.pools.linux.scale-sets[1].drain", "false");
        e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.getMessage().contains("scaler.pools.linux.scale-sets[1].computer-name-prefix"), e.getMessage());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("scaler.pools.linux.min", "5", "scaler.pools.linux.min (SCALER_POOLS_LINUX_MIN): must not exceed max (4)"),
                Arguments.of("scaler.pools.linux.min", "-1", "scaler.pools.linux.min (SCALER_POOLS_LINUX_MIN): must not be negative"),
                Arguments.of("scaler.pools.linux.max", "0", "scaler.pools.linux.max (SCALER_POOLS_LINUX_MAX): must be at least 1"),
                Arguments.of("scaler.pools.linux.free-percent", "-5", "scaler.pools.linux.free-percent (SCALER_POOLS_LINUX_FREE_PERCENT): must be between 0 and 1000"),
                Arguments.of("scaler.pools.linux.after-job", "recycle", "scaler.pools.linux.after-job (SCALER_POOLS_LINUX_AFTER_JOB): must be reimage-or-delete or delete"),
                Arguments.of("scaler.pools.linux.scope", "a/b/c", "scaler.pools.linux.scope (SCALER_POOLS_LINUX_SCOPE): expected owner/name or an organisation"),
                Arguments.of("scaler.pools.linux.boot-timeout", "0s", "scaler.pools.linux.boot-timeout (SCALER_POOLS_LINUX_BOOT_TIMEOUT): must be positive"),
                Arguments.of("scaler.pools.linux.refusal-backoff", "0s", "scaler.pools.linux.refusal-backoff (SCALER_POOLS_LINUX_REFUSAL_BACKOFF): must be positive"),
                Arguments.of("scaler.pools.linux.reruns-per-hour", "-1", "scaler.pools.linux.reruns-per-hour (SCALER_POOLS_LINUX_RERUNS_PER_HOUR): must be between 0 and 10000"),
                Arguments.of("scaler.pools.linux.eviction-threshold", "0", "scaler.pools.linux.eviction-threshold (SCALER_POOLS_LINUX_EVICTION_THRESHOLD): must be at least 1"),
                Arguments.of("scaler.pools.linux.eviction-window", "0s", "scaler.pools.linux.eviction-window (SCALER_POOLS_LINUX_EVICTION_WINDOW): must be positive"),
                Arguments.of("scaler.sim.eviction-rate", "-0.5", "scaler.sim.eviction-rate (SCALER_SIM_EVICTION_RATE): must not be negative"),
                Arguments.of("scaler.sim.eviction-storm-fraction", "1.5", "scaler.sim.eviction-storm-fraction (SCALER_SIM_EVICTION_STORM_FRACTION): must be between 0 and 1"),
                Arguments.of("scaler.github.api-url", "api.github.com", "scaler.github.api-url (SCALER_GITHUB_API_URL): expected an absolute https URL"),
                Arguments.of("scaler.github.app-hook", "true", "scaler.github.app-hook (SCALER_GITHUB_APP_HOOK): needs scaler.github.app-id"),
                Arguments.of("scaler.cloud", "azure", "scaler.pools.linux.scale-set.subscription (SCALER_POOLS_LINUX_SCALE_SET_SUBSCRIPTION): is required with scaler.cloud=azure"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void eachInvalidKeyIsNamedWithItsProblem(String key, String value, String expected) {
        Map<String, String> p = valid();
        p.put(key, value);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.problems().stream().anyMatch(m -> m.startsWith(expected)), () -> e.problems() + " lacks " + expected);
    }

    @Test
    void theAppsWebhookNeedsTheAppAndExcludesAHookId() {
        Map<String, String> p = valid();
        p.put("scaler.github.app-hook", "true");
        p.put("scaler.github.app-id", "12345");
        p.put("scaler.github.app-installation-id", "678");
        PoolDefinitions.from(config(p));
        p.put("scaler.github.hook-id", "42");
        p.put("scaler.github.hook-scope", "octo-org/app");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertEquals(List.of("scaler.github.app-hook (SCALER_GITHUB_APP_HOOK): set either scaler.github.hook-id or "
                + "scaler.github.app-hook, not both: failed deliveries are redelivered for one webhook"), e.problems());
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        Map<String, String> p = valid();
        p.put("scaler.pools.linux.min", "9");
        p.put("scaler.pools.linux.after-job", "x");
        p.put("scaler.pools.gpu.labels", "gpu");
        p.put("scaler.pools.gpu.max", "2");
        p.put("scaler.pools.gpu.scope", "/");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertEquals(3, e.problems().size(), e.problems()::toString);
        assertTrue(e.getMessage().contains("SCALER_POOLS_GPU_SCOPE"));
    }

    @Test
    void twoPoolsMayNotDriveOneScaleSet() {
        Map<String, String> p = valid();
        p.put("scaler.pools.gpu.labels", "gpu");
        p.put("scaler.pools.gpu.max", "2");
        p.put("scaler.pools.gpu.scope", "octo-org");
        p.put("scaler.pools.gpu.scale-set.name", "linux");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.getMessage().contains("already driven by pool"), e::getMessage);
    }

    @Test
    void productionNeedsAWebhookSecretUnlessWebhooksAreOff() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> PoolDefinitions.from(config(valid()), true));
        assertTrue(e.problems().get(0).startsWith("scaler.github.webhook-secret (SCALER_GITHUB_WEBHOOK_SECRET): is required"));
        Map<String, String> withSecret = valid();
        withSecret.put("scaler.github.webhook-secret", "s3cret");
        assertEquals(1, PoolDefinitions.from(config(withSecret), true).size());
        Map<String, String> off = valid();
        off.put("scaler.github.webhooks-enabled", "false");
        assertEquals(1, PoolDefinitions.from(config(off), true).size());
    }

    @Test
    void withoutWebhooksEveryPoolNeedsAtLeastOneInstance() {
        Map<String, String> p = valid();
        p.put("scaler.github.webhooks-enabled", "false");
        p.put("scaler.pools.linux.min", "0");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertTrue(e.problems().get(0).startsWith("scaler.pools.linux.min (SCALER_POOLS_LINUX_MIN): must be at least 1 when webhooks are off"));
    }

    @Test
    void runnerSettingsAreChecked() {
        Map<String, String> p = valid();
        p.put("scaler.runners.config-mode", "pat");
        p.put("scaler.runners.allowed-networks", "10.0.0.0/8,not-a-network");
        p.put("scaler.runners.hook-token-key", "short");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertEquals(List.of(
                "scaler.runners.config-mode (SCALER_RUNNERS_CONFIG_MODE): must be jit or registration-token, got 'pat'",
                "scaler.runners.allowed-networks (SCALER_RUNNERS_ALLOWED_NETWORKS): not a CIDR: 'not-a-network'",
                "scaler.runners.hook-token-key (SCALER_RUNNERS_HOOK_TOKEN_KEY): must be at least 32 characters"), e.problems());
    }

    @Test
    void theOperatorTokenIsLongEnoughAndOnlyWhereItIsUsed() {
        Map<String, String> p = valid();
        p.put("scaler.operator.token", "x".repeat(31));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p)));
        assertEquals(List.of("scaler.operator.token (SCALER_OPERATOR_TOKEN): must be at least 32 characters "
                + "(e.g. openssl rand -hex 32)"), e.problems());
        assertFalse(e.getMessage().contains("x".repeat(31)), "the message shows the token");
        p.put("scaler.operator.token", "x".repeat(32));
        assertEquals(1, PoolDefinitions.from(config(p)).size());

        p.put("scaler.cloud", "azure");
        e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p), true));
        assertTrue(e.problems().contains("scaler.operator.token (SCALER_OPERATOR_TOKEN): is not used with scaler.cloud=azure, "
                + "where the operator token is the Key Vault secret operator-token; remove it"), e.problems().toString());
    }

    @Test
    void azureModeNamesEveryMissingSettingInOneMessage() {
        Map<String, String> p = valid();
        p.put("scaler.cloud", "azure");
        p.put("scaler.github.app-id", "12345");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(p), true));
        List<String> keys = e.problems().stream().map(m -> m.substring(0, m.indexOf(' '))).toList();
        assertEquals(List.of("scaler.azure.queue.service-url", "scaler.azure.key-vault.url", "scaler.github.app-installation-id",
                "scaler.pools.linux.scale-set.subscription", "scaler.pools.linux.scale-set.resource-group",
                "scaler.pools.linux.scale-set.name"), keys);
        assertTrue(e.getMessage().contains("SCALER_AZURE_KEY_VAULT_URL"), e::getMessage);

        p.put("scaler.azure.queue.service-url", "https://acct.queue.core.windows.net");
        p.put("scaler.azure.key-vault.url", "https://vault.vault.azure.net");
        p.put("scaler.github.app-installation-id", "678");
        p.put("scaler.pools.linux.scale-set.subscription", "00000000-0000-0000-0000-000000000000");
        p.put("scaler.pools.linux.scale-set.resource-group", "runners");
        p.put("scaler.pools.linux.scale-set.name", "linux-vmss");
        assertEquals("linux-vmss", PoolDefinitions.from(config(p), true).get(0).scaleSet().name(),
                "in azure mode the webhook secret comes from Key Vault");
    }

    @Test
    void aPoolMissingItsRequiredKeysReportsThemAllInOneFormat() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(
                config(Map.of("scaler.cloud", "simulated", "scaler.pools.linux.min", "1"))));
        assertEquals(List.of(
                "scaler.pools.linux.max (SCALER_POOLS_LINUX_MAX): is required: the most instances the pool may have",
                "scaler.pools.linux.labels (SCALER_POOLS_LINUX_LABELS): is required: the runner labels the pool serves, such as linux,x64",
                "scaler.pools.linux.scope (SCALER_POOLS_LINUX_SCOPE): is required: where runners register, owner/repo or an organisation"),
                e.problems());
        assertTrue(e.getMessage().startsWith("Invalid configuration (3 problems); the scaler did not start:\n  - "), e.getMessage());
    }

    @Test
    void noPoolAtAllIsAnError() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> PoolDefinitions.from(config(Map.of("scaler.cloud", "simulated"))));
        assertEquals(List.of("scaler.pools (SCALER_POOLS): no pool is configured; define at least scaler.pools.<name>.labels, .max and .scope"), e.problems());
    }
}
