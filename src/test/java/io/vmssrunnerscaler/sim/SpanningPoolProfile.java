package io.vmssrunnerscaler.sim;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Pool linux over two simulated scale sets of at most 3 instances each. */
public class SpanningPoolProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.pools.linux.scale-sets[0].name", "linux-a", "scaler.pools.linux.scale-sets[0].max", "3",
                "scaler.pools.linux.scale-sets[1].name", "linux-b", "scaler.pools.linux.scale-sets[1].max", "3");
    }
}
