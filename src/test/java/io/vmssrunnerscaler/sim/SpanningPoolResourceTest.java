package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pool over two scale sets, configured with {@code scale-sets[i].*}, in the running service: jobs
 * run on both, and {@code GET /pools} shows one pool with each scale set's own view.
 */
@QuarkusTest
@TestProfile(SpanningPoolProfile.class)
class SpanningPoolResourceTest {
    @Inject
    ScalerRuntime runtime;

    @Test
    void onePoolToTheUserWithEachScaleSetInside() {
        SimEventLog log = runtime.world().orElseThrow().log();
        given().contentType("application/json").body("{\"count\":5,\"labels\":[\"linux\"],\"durationSeconds\":3}")
                .post("/sim/jobs").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> log.of(SimEvent.Kind.JOB_COMPLETED).size() == 5);
        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        WorldInvariants.capacityWithinMax(log, 3);
        given().get("/pools").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].name", equalTo("linux"))
                .body("[0].max", equalTo(6))
                .body("[0].scaleSets", hasSize(2))
                .body("[0].scaleSets[0].name", equalTo("linux@linux-a"))
                .body("[0].scaleSets[1].scaleSet", equalTo("linux-b"));
        given().get("/pools/linux@linux-b").then().statusCode(200).body("max", equalTo(3));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                log.of(SimEvent.Kind.INSTANCE_CREATED).stream().anyMatch(e -> e.scaleSet().equals("linux-b")));
    }
}
