package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Fresh fakes, a pool of at most one instance (so that a used VM left for a fresh one would keep
 * the next job waiting for the whole boot timeout) and a fast reconcile loop.
 */
public class AzureRecycleRestartProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.min", "0", "scaler.pools.linux.max", "1", "scaler.reconcile.interval", "10s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
