package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registration-token mode against GitHub Enterprise Server: the runner URL is the server's, not github.com. */
@QuarkusTest
@TestProfile(RegistrationTokenEnterpriseTest.EnterpriseServer.class)
class RegistrationTokenEnterpriseTest {
    @Inject
    ScalerRuntime runtime;

    public static class EnterpriseServer extends RegistrationTokenProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("scaler.github.api-url", "https://ghe.example.com/api/v3");
            return overrides;
        }
    }

    @Test
    void aVmRegistersAtTheEnterpriseServer() {
        Listed.await(runtime, () -> instances().size(), 2);
        Attested.jitconfig(instances().get(0).name(), instances().get(0).vmId()).statusCode(200)
                .body("url", equalTo("https://ghe.example.com/octo-org/app"));
    }

    private List<Instance> instances() {
        return List.copyOf(runtime.scaler().loop("linux").orElseThrow().state().instances().values());
    }
}
