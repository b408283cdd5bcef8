package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The running service sizes a pool by the schedule period in force and keeps its idle runners
 * ready, and shows both in {@code GET /pools} and the metrics: the period's name, the sizing in
 * force, the idle target with the adaptive rule's inputs.
 */
@QuarkusTest
@TestProfile(WarmCapacityServiceTest.Profile.class)
class WarmCapacityServiceTest {

    /** No min; two all-day periods, the first (by id) always winning with min-idle 3. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> p = new java.util.HashMap<>(Map.of("scaler.pools.linux.min", "0",
                    "scaler.pools.linux.adaptive-idle.enabled", "true",
                    "scaler.pools.linux.adaptive-idle.boot-time", "90s"));
            for (String id : new String[] {"a-all-day", "b-all-day"}) {
                String prefix = "scaler.pools.linux.schedules." + id + ".";
                p.put(prefix + "days", "daily");
                p.put(prefix + "start", "00:00");
                p.put(prefix + "end", "24:00");
                p.put(prefix + "timezone", "Europe/Berlin");
                p.put(prefix + "min-idle", id.startsWith("a") ? "3" : "1");
            }
            return p;
        }
    }

    @Inject
    ScalerRuntime runtime;

    @Test
    void thePeriodInForceKeepsIdleRunnersReadyAndShowsInPoolsAndMetrics() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.scaler().loop("linux").orElseThrow().state().instances().values().stream()
                        .filter(i -> i.phase() == Phase.IDLE).count() == 3);
        given().get("/pools/linux").then().statusCode(200)
                .body("period", equalTo("a-all-day"))
                .body("min", equalTo(0))
                .body("minIdle", equalTo(3))
                .body("freePercent", equalTo(25))
                .body("desired", equalTo(3))
                .body("idleTarget.value", equalTo(3))
                .body("idleTarget.minIdle", equalTo(3))
                .body("idleTarget.adaptive.arrivals", equalTo(0))
                .body("idleTarget.adaptive.target", equalTo(0))
                .body("idleTarget.adaptive.bootTime", equalTo("PT1M30S"))
                .body("idleTarget.adaptive.quantile", equalTo(0.95f))
                .body("growthRefusal", nullValue());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("scaler_pool_schedule_active{period=\"a-all-day\",pool=\"linux\"} 1.0"))
                .body(containsString("scaler_pool_schedule_active{period=\"b-all-day\",pool=\"linux\"} 0.0"))
                .body(containsString("scaler_pool_sizing{limit=\"min_idle\",pool=\"linux\"} 3.0"))
                .body(containsString("scaler_pool_idle_target{pool=\"linux\"} 3.0"));
        given().get("/sim/summary").then().statusCode(200).body("busyInstancesTouched", equalTo(0));
    }
}
