package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job flooding the nonce endpoint from its runner's address, with the limit a deployment has:
 * it gets a burst, then 429 with Retry-After; the bookkeeping stays bounded (AttestationNoncesTest).
 */
@QuarkusTest
@TestProfile(NonceFloodTest.RealLimit.class)
class NonceFloodTest {
    public static class RealLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scaler.runners.nonces-per-minute", "30", "scaler.pools.linux.min", "0");
        }
    }

    @Test
    void nonceAnswersInJsonOrLinesAndAFloodFromOneAddressIsCutOff() {
        given().accept("text/plain").post("/runners/anyname000001/nonce").then().statusCode(200)
                .body(matchesPattern("NONCE=[A-Za-z0-9]{32}\nEXPIRES_AT=\\S+\n"));
        int issued = 1;
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            int status = given().post("/runners/anyname000001/nonce").then().extract().statusCode();
            if (status == 429) {
                limited++;
            } else {
                assertEquals(200, status);
                issued++;
            }
        }
        assertTrue(issued <= 12, "one address got " + issued + " nonces at once");
        assertTrue(limited >= 28, "only " + limited + " of 40 asks were cut off");
        given().post("/runners/anyname000001/nonce").then().statusCode(429).header("Retry-After", matchesPattern("\\d+"))
                .body("outcome", equalTo("rate-limited"));
    }
}
