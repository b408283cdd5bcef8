package io.vmssrunnerscaler.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The simulator without {@code scaler.operator.token} (the test profile, like {@code quarkus:dev}):
 * a caller on this host needs no token, so {@code curl localhost:8080/pools} works for a newcomer.
 * Callers from elsewhere are refused: {@link OperatorGateTest}, as a test cannot call from another host.
 */
@QuarkusTest
class LoopbackOperatorTest {
    @Test
    void loopbackCallersNeedNoTokenWhenNoneIsConfigured() {
        given().get("/pools").then().statusCode(200).body("[0].name", equalTo("linux"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/sim/summary").then().statusCode(200);
        given().header("Authorization", "Bearer anything").get("/pools").then().statusCode(200);
    }
}
