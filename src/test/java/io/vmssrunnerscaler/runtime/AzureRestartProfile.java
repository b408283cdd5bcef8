package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Fresh fakes, min 0 (so that a queued job forgotten by a restart would never run) and a fast
 * reconcile loop.
 */
public class AzureRestartProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.min", "0", "scaler.reconcile.interval", "10s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
