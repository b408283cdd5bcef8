package io.vmssrunnerscaler.intake;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Pools for the repositories of the octokit example payloads, on a simulator whose VMs never
 * boot: the tests alone decide what happens.
 */
public class WebhookProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("scaler.pools.gpu.labels", "gpu,db-app,dc-03"),
                Map.entry("scaler.pools.gpu.max", "2"),
                Map.entry("scaler.pools.gpu.scope", "octo-org"),
                Map.entry("scaler.pools.k8s.labels", "k8s"),
                Map.entry("scaler.pools.k8s.max", "2"),
                Map.entry("scaler.pools.k8s.scope", "lineville/elastic-machines-testing"),
                Map.entry("scaler.sim.provisioning-delay", "1h"));
    }
}
