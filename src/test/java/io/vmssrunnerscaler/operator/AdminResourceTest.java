package io.vmssrunnerscaler.operator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's runtime controls through the running service and its simulator (issue 17):
 * pause, resume, sizing overrides shown in {@code GET /pools}, drains refused while busy, and a
 * 4xx with the reason, nothing changed, for every bad request.
 */
@QuarkusTest
class AdminResourceTest {

    /** The service is shared with other tests: leave the pool as configured, and quiet, at its minimum. */
    @AfterEach
    void leaveThePoolAsConfigured() {
        given().post("/admin/pools/linux/resume").then().statusCode(200);
        given().delete("/admin/pools/linux/overrides").then().statusCode(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonPath p = pool();
            return p.getInt("busy") == 0 && p.getInt("queued") == 0 && p.getInt("live") == p.getInt("min");
        });
    }

    private static JsonPath pool() {
        return given().get("/pools/linux").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aPausedPoolGrowsNoMoreAndItsWaitingJobsSayWhyUntilItIsResumed() {
        given().header(AdminResource.ACTOR_HEADER, "alice").post("/admin/pools/linux/pause").then().statusCode(200)
                .body("outcome", equalTo("done")).body("pool", equalTo("linux")).body("reason", containsString("paused"));
        assertTrue(pool().getBoolean("paused"));
        int live = pool().getInt("live");
        given().contentType("application/json").body("{\"count\":" + (live + 3) + ",\"durationSeconds\":2}").post("/sim/jobs")
                .then().statusCode(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Map<String, Object>> waiting = pool().getList("waitingJobs");
            assertTrue(waiting.size() >= 3, () -> "waiting: " + waiting);
            assertTrue(waiting.stream().anyMatch(w -> "capacity".equals(w.get("stage"))
                    && String.valueOf(w.get("reason")).startsWith("paused")), () -> "waiting: " + waiting);
        });
        assertEquals(live, pool().getInt("live"), "no new capacity while paused");

        given().post("/admin/pools/linux/resume").then().statusCode(200).body("reason", containsString("resumed"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(List.of(), pool().getList("waitingJobs")));
    }

    @Test
    void overridesAreShownBesideTheSizingInForceAndResetByDelete() {
        given().contentType("application/json").body("{\"max\":3,\"minIdle\":1}").put("/admin/pools/linux/overrides")
                .then().statusCode(200).body("outcome", equalTo("done"));
        JsonPath overridden = pool();
        assertEquals(3, overridden.getInt("max"));
        assertEquals(1, overridden.getInt("minIdle"));
        assertEquals(3, overridden.getInt("overrides.max"));
        assertEquals(1, overridden.getInt("overrides.minIdle"));
        assertEquals((Object) null, overridden.get("overrides.min"));

        given().delete("/admin/pools/linux/overrides").then().statusCode(200);
        given().get("/pools/linux").then().body("overrides", nullValue()).body("max", equalTo(10));
    }

    @Test
    void aBadRequestIsRefusedWithItsReasonAndChangesNothing() {
        given().contentType("application/json").body("{\"max\":4}").put("/admin/pools/linux/overrides").then().statusCode(200);
        Map<String, String> bad = Map.of(
                "{\"min\":5,\"max\":2}", "must not exceed max",
                "{\"max\":0}", "max must be between 1",
                "{\"maxx\":3}", "not an object of integers",
                "{\"max\":\"many\"}", "not an object of integers",
                "{}", "at least one of",
                "not json", "not an object of integers",
                "{\"max\":100000}", "between 1 and 1000");
        bad.forEach((body, reason) -> given().contentType("application/json").body(body)
                .put("/admin/pools/linux/overrides").then().statusCode(400).body("outcome", equalTo("invalid"))
                .body("reason", containsString(reason)));
        assertEquals(4, pool().getInt("overrides.max"), "nothing changed");

        given().post("/admin/pools/nosuchpool/pause").then().statusCode(404).body("reason", containsString("nosuchpool"));
        given().post("/admin/pools/linux/instances/abc/drain").then().statusCode(400).body("outcome", equalTo("invalid"));
        given().post("/admin/pools/linux/instances/99999/drain").then().statusCode(404);
        given().get("/admin/pools/linux/pause").then().statusCode(405);
        assertEquals(false, pool().getBoolean("paused"));
    }

    @Test
    void aDrainTakesAnIdleRunnerOutAndIsRefusedForABusyOne() {
        given().contentType("application/json").body("{\"count\":1,\"durationSeconds\":10}").post("/sim/jobs").then()
                .statusCode(202);
        String busy = await().atMost(Duration.ofSeconds(20)).until(() -> instanceIn("BUSY"), id -> id != null);
        given().header(AdminResource.ACTOR_HEADER, "bob").post("/admin/pools/linux/instances/" + busy + "/drain").then()
                .statusCode(409).body("outcome", equalTo("refused")).body("reason", containsString("never drained"));
        assertEquals("BUSY", phaseOf(busy), "the busy runner is untouched");

        String idle = await().atMost(Duration.ofSeconds(20)).until(() -> instanceIn("IDLE"), id -> id != null);
        given().post("/admin/pools/linux/instances/" + idle + "/drain").then().statusCode(200)
                .body("reason", containsString("draining"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !"IDLE".equals(phaseOf(idle)));
    }

    private static String instanceIn(String phase) {
        List<Map<String, Object>> instances = pool().getList("instances");
        return instances.stream().filter(i -> phase.equals(i.get("phase"))).map(i -> (String) i.get("instanceId"))
                .findFirst().orElse(null);
    }

    private static String phaseOf(String instanceId) {
        List<Map<String, Object>> instances = pool().getList("instances");
        return instances.stream().filter(i -> instanceId.equals(i.get("instanceId"))).map(i -> (String) i.get("phase"))
                .findFirst().orElse(null);
    }
}
