package io.vmssrunnerscaler.status;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The test profile with a short back-off after a refusal of capacity, so that the page's refusal test ends quickly. */
public class StatusPageProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.refusal-backoff", "2s");
    }
}
