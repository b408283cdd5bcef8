package io.vmssrunnerscaler.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Five instances whose simulated VMs never boot: the test plays the runner VMs itself. */
public class ManualRunnersProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "scaler.pools.linux.min", "5",
                "scaler.sim.provisioning-delay", "1h",
                "scaler.pools.linux.boot-timeout", "2h");
    }
}
