package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters;
import io.vmssrunnerscaler.fakes.arm.FakeRefusal;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Azure refusing capacity end to end: the fake ARM answers a capacity PATCH with the regional
 * vCPU quota's 409 (Azure's real body), the adapter reports it as a refusal, growth backs off and
 * says why in {@code GET /pools} and the metrics, and once Azure has capacity again every job runs.
 */
@QuarkusTest
@TestProfile(AzureRefusalProfile.class)
class AzureRefusalTest {
    static final int MAX = 4;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aQuotaRefusalBacksOffGrowthShowsItsReasonAndEndsWhenCapacityComesBack() {
        FakeArmCounters arm = AzureWorld.arm.counters();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port)) {
            AzureWorld.arm.faults().refuseCapacity(FakeRefusal.REGIONAL_QUOTA, FakeRefusal.Delivery.SYNC);
            List<Long> jobs = List.of(7001L, 7002L, 7003L);
            fleet.submit(jobs.size(), jobs.get(0), Duration.ofSeconds(1));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    AzureWorld.operator().get("/pools/linux").then().statusCode(200)
                            .body("growthRefusal.code", equalTo("OperationNotAllowed"))
                            .body("lastFailure.reason", containsString("capacity refused (OperationNotAllowed)")));
            String metrics = AzureWorld.operator().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(
                    "scaler_capacity_refusals_total{code=\"OperationNotAllowed\",pool=\"linux\"} ") && !l.endsWith(" 0.0")),
                    "refusals are counted by code");
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("scaler_pool_capacity_refusals_in_a_row{pool=\"linux\"} ")
                    && !l.endsWith(" 0.0")), "the pool shows it is backing off");
            assertEquals(0, arm.throttled());

            AzureWorld.arm.faults().clear();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> fleet.completed.containsAll(jobs) || !fleet.busyTouched.isEmpty());
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            assertTrue(fleet.completed.containsAll(jobs), "every job ran once Azure had capacity again");
            fleet.assertCapacityNeverAbove(MAX);
            assertTrue(arm.refused(FakeRefusal.REGIONAL_QUOTA) >= 1, "the fake refused capacity");
            AzureWorld.operator().get("/pools/linux").then().statusCode(200).body("growthRefusal", nullValue());
        }
    }
}
