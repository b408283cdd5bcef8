package io.vmssrunnerscaler.sim;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** No webhooks, as in a fully private network: the scaler sees jobs only through the runners' hooks. */
public class HookOnlyProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.github.webhooks-enabled", "false", "scaler.pools.linux.min", "2",
                "scaler.pools.linux.max", "6");
    }
}
