package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.testing.Operator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Azure mode: the operator token is a Key Vault secret (its name configurable). Until it is read
 * the operator endpoints answer 503 while webhooks and probes are served; once it is there it is
 * required, from loopback too.
 */
@QuarkusTest
@TestProfile(OperatorVaultProfile.class)
class OperatorVaultTest {
    @Test
    void operatorEndpointsWaitForTheTokenFromKeyVaultThenRequireIt() {
        AzureWorld.operator().get("/pools").then().statusCode(503)
                .header("Retry-After", "5").body("outcome", equalTo("starting"))
                .body("reason", containsString("Key Vault"));
        given().get("/q/metrics").then().statusCode(503);
        // the intake does not wait for the operator token: ready, and the wellness says what is missing
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().get("/q/health/well").then().body("checks.find { it.name == 'dependencies' }.data.'operator-token'",
                containsString("not read"));

        AzureWorld.vault.setSecret(OperatorVaultProfile.LATE_SECRET, AzureWorld.OPERATOR_TOKEN);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> AzureWorld.operator().get("/pools/linux").statusCode() != 503);
        AzureWorld.operator().get("/pools/linux").then().statusCode(200).body("name", equalTo("linux"));
        AzureWorld.operator().get("/q/metrics").then().statusCode(200);
        given().get("/pools").then().statusCode(401).header("WWW-Authenticate", "Bearer").body("outcome", equalTo("unauthorized"));
        given().config(Operator.quiet()).header("Authorization", "Bearer " + AzureWorld.HOOK_KEY).get("/q/metrics").then().statusCode(401);
        given().get("/q/health/well").then().body("checks.find { it.name == 'dependencies' }.data.'operator-token'", equalTo("read"));
    }
}
