package io.vmssrunnerscaler.operator;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The simulator with an operator token configured: then it is needed from every caller, loopback too. */
public class OperatorTokenProfile implements QuarkusTestProfile {
    static final String TOKEN = "operator-token-of-the-test-profile-0123456789";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("scaler.operator.token", TOKEN);
    }
}
