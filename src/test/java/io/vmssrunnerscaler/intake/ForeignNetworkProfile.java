package io.vmssrunnerscaler.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runner endpoints open to a network the tests do not call from. */
public class ForeignNetworkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.runners.allowed-networks", "10.99.0.0/16", "scaler.sim.provisioning-delay", "1h");
    }
}
