package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Fresh fakes with faults switched on by the tests; short timeouts and a fast reconcile loop. */
public class AzureFaultsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.reconcile.interval", "10s", "scaler.azure.request-timeout", "2s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
