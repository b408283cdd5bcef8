package io.vmssrunnerscaler.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The original design's mode: VMs get a registration token, URL and labels instead of a JIT config. */
public class RegistrationTokenProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.runners.config-mode", "registration-token", "scaler.sim.provisioning-delay", "1h",
                "scaler.pools.linux.min", "2");
    }
}
