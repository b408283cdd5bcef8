package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Without webhooks the scaler still runs every job, growing only as runners report busy (the original design). */
@QuarkusTest
@TestProfile(HookOnlyProfile.class)
class HookOnlyTest {
    @Inject
    ScalerRuntime runtime;

    @Test
    void jobsRunFromHookCallsAlone() {
        given().contentType("application/json").body("{}").post("/github/webhook").then().statusCode(404)
                .body("outcome", equalTo("disabled"));
        SimEventLog log = runtime.world().orElseThrow().log();
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.scaler().loop("linux").orElseThrow().state().live() == 2);

        given().contentType("application/json").body("{\"count\":12,\"labels\":[\"linux\"],\"durationSeconds\":2}")
                .post("/sim/jobs").then().statusCode(202);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> log.of(SimEvent.Kind.JOB_COMPLETED).size() == 12);

        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        WorldInvariants.capacityWithinMax(log, 6);
        assertTrue(log.of(SimEvent.Kind.CAPACITY_SET).stream().anyMatch(e -> e.value() > 2),
                "busy runners reported by their hooks should grow the pool");
        assertEquals(0, runtime.scaler().loop("linux").orElseThrow().state().queued().size(), "no queued job can be seen");
    }
}
