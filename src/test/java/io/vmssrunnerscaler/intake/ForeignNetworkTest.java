package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Calls from outside scaler.runners.allowed-networks are refused before anything else. */
@QuarkusTest
@TestProfile(ForeignNetworkProfile.class)
class ForeignNetworkTest {
    @Test
    void runnerEndpointsRefuseOtherNetworks() {
        given().post("/runners/linux000000/jitconfig").then().statusCode(403).body("outcome", equalTo("forbidden-network"));
        given().header("Authorization", "Bearer x").post("/runners/linux000000/job-started").then().statusCode(403);
        given().get("/pools").then().statusCode(200); // operators' status is not a runner endpoint
    }
}
