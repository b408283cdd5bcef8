package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Azure mode whose operator token is a secret the vault does not hold at start. */
public class OperatorVaultProfile implements QuarkusTestProfile {
    static final String LATE_SECRET = "operator-token-set-late";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.azure.key-vault.operator-token-secret", LATE_SECRET);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
