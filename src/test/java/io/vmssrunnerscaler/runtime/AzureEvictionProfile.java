package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Fresh fakes, min 0, lost jobs re-run, and a fast reconcile loop (which follows lost jobs up). */
public class AzureEvictionProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.min", "0", "scaler.pools.linux.rerun-lost-jobs", "true",
                "scaler.reconcile.interval", "10s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
