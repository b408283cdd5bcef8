package io.vmssrunnerscaler.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Default limits, except a delivery-id cache smaller than the burst so that its bound is exercised;
 * five instances whose simulated VMs never boot, so that only the test talks to the scaler.
 */
public class LoadProfile implements QuarkusTestProfile {
    static final int DELIVERY_CACHE_SIZE = 256;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "scaler.pools.linux.min", "5",
                "scaler.sim.provisioning-delay", "1h",
                "scaler.pools.linux.boot-timeout", "2h",
                "scaler.github.delivery-cache-size", String.valueOf(DELIVERY_CACHE_SIZE));
    }
}
