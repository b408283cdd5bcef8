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
        // Azure's buckets refilled 7.5 times as fast, in the fake and the scaler's budget: the cases
        // share one fake, so each later one starts with the buckets spent and waits for them
        return List.of(new TestResourceEntry(AzureWorld.class, Map.of("refill-period", "PT8S")));
    }
}
