package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Fresh fakes and a short back-off after Azure refuses capacity, so that the test sees it end. */
public class AzureRefusalProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.refusal-backoff", "3s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
