package io.vmssrunnerscaler.runtime;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeCoTenant;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Azure and GitHub for an azure-mode scaler under test: the local HTTPS fakes of Resource Manager,
 * Key Vault and GitHub, and a real Azurite for the busy queue, each on a free port.
 */
public class AzureWorld implements QuarkusTestResourceLifecycleManager {
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a2b3";
    static final String WEBHOOK_SECRET = "webhook-secret-from-the-vault";
    static final String GITHUB_TOKEN = "ghp_fakeTokenFromTheVault";
    static final String HOOK_KEY = "hook-token-key-from-the-vault-0123456789";
    static final String OPERATOR_TOKEN = "operator-token-from-the-vault-0123456789";
    static final String RESOURCE_GROUP = "runners";
    static final String SCALE_SET = "linux-vmss";

    static FakeArm arm;
    static io.vmssrunnerscaler.fakes.arm.FakeScaleSet scaleSet;
    static FakeKeyVault vault;
    static FakeGitHub gitHub;
    static Azurite azurite;

    /** Azure's refill counts per this period instead of per minute, in the fake and the scaler alike (argument {@code refill-period}). */
    private Duration refillPeriod = Duration.ofMinutes(1);

    @Override
    public void init(Map<String, String> args) {
        if (args.containsKey("refill-period")) {
            refillPeriod = Duration.parse(args.get("refill-period"));
        }
    }

    @Override
    public Map<String, String> start() {
        arm = FakeArm.start(FakeArmOptions.defaults().withRefillPeriod(refillPeriod)
                .withDelays(Duration.ofMillis(300), Duration.ofMillis(200)));
        scaleSet = arm.addScaleSet(SUBSCRIPTION, RESOURCE_GROUP, SCALE_SET, "linux", 1);
        vault = FakeKeyVault.start();
        vault.setSecret("github-token", GITHUB_TOKEN);
        vault.setSecret("github-webhook-secret", WEBHOOK_SECRET);
        vault.setSecret("runner-hook-token-key", HOOK_KEY);
        vault.setSecret("operator-token", OPERATOR_TOKEN);
        gitHub = FakeGitHub.start().acceptToken(GITHUB_TOKEN);
        azurite = Azurite.inMemory();
        azurite.start();
        Map<String, String> config = new HashMap<>();
        config.put("scaler.cloud", "azure");
        config.put("scaler.azure.resource-manager-endpoint", arm.baseUri().toString());
        config.put("scaler.azure.poll-interval", "200ms");
        config.put("scaler.azure.key-vault.url", vault.vaultUrl());
        config.put("scaler.azure.queue.connection-string", azurite.connectionString());
        config.put("scaler.github.api-url", gitHub.baseUri().toString());
        config.put("scaler.pools.linux.scale-set.subscription", SUBSCRIPTION);
        config.put("scaler.pools.linux.scale-set.resource-group", RESOURCE_GROUP);
        config.put("scaler.pools.linux.scale-set.name", SCALE_SET);
        config.put("scaler.pools.linux.scale-set.computer-name-prefix", "linux");
        config.put("scaler.pools.linux.max", "4");
        config.put("scaler.azure.throttle-period", refillPeriod.toString());
        return config;
    }

    /** Another caller of the pool's scale set, spending the same Compute budget as the scaler. */
    static FakeCoTenant coTenant() {
        return arm.coTenant(SUBSCRIPTION, RESOURCE_GROUP, SCALE_SET);
    }

    /** A request to an operator endpoint ({@code /pools}, {@code /q/metrics}) with the vault's operator token. */
    static io.restassured.specification.RequestSpecification operator() {
        return io.vmssrunnerscaler.testing.Operator.given(OPERATOR_TOKEN);
    }

    @Override
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[] {arm, vault, gitHub, azurite}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the next test resource starts on other ports
            }
        }
    }
}
