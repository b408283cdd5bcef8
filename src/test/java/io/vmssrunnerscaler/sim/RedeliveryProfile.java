package io.vmssrunnerscaler.sim;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** VMs that never boot, so that no runner takes a job: the pool knows a job only from its webhooks. */
public class RedeliveryProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.sim.provisioning-delay", "1h", "scaler.pools.linux.boot-timeout", "2h");
    }
}
