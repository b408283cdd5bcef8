package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import io.vmssrunnerscaler.shell.PoolLoop;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The running service against its simulator: a burst of 50 jobs, watched through the simulator's log and the API. */
@QuarkusTest
class SimulatedBurstTest {
    @Inject
    ScalerRuntime runtime;

    @Test
    void burstOfFiftyJobsRunsAndThePoolReturnsToMin() {
        await().atMost(Duration.ofSeconds(20)).until(() -> pool().state().live() == 1);
        SimEventLog log = runtime.world().orElseThrow().log();
        long before = log.of(SimEvent.Kind.JOB_QUEUED).size();

        given().contentType("application/json").body("{\"count\":50,\"labels\":[\"self-hosted\",\"linux\"],\"durationSeconds\":1}")
                .post("/sim/jobs").then().statusCode(202);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> log.of(SimEvent.Kind.JOB_COMPLETED).size() == before + 50);
        // back to min, and the one instance left has booted again (it may have been re-imaged last)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> pool().state().live() == 1 && runtime.world().orElseThrow().azure().instanceCount("linux") == 1
                        && pool().state().instances().values().stream().allMatch(i -> i.phase() == io.vmssrunnerscaler.engine.Phase.IDLE));

        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        WorldInvariants.capacityWithinMax(log, 10);
        assertTrue(log.of(SimEvent.Kind.CAPACITY_SET).stream().anyMatch(e -> e.value() == 10), "the burst should reach max");
        assertTrue(log.of(SimEvent.Kind.REIMAGE_REQUESTED).size() > 0, "finished runners were never re-imaged");
        assertTrue(log.of(SimEvent.Kind.DELETE_REQUESTED).size() > 0, "the surplus was never deleted");

        given().get("/pools").then().statusCode(200)
                .body("[0].name", equalTo("linux"))
                .body("[0].min", equalTo(1)).body("[0].max", equalTo(10))
                .body("[0].desired", equalTo(1)).body("[0].busy", equalTo(0)).body("[0].queued", equalTo(0))
                .body("[0].labels", hasItems("self-hosted", "linux", "x64"))
                .body("[0].instances.size()", equalTo(1))
                .body("[0].instances[0].phase", equalTo("IDLE"));
        given().get("/pools/linux").then().statusCode(200).body("scope", equalTo("octo-org/app"));
        given().get("/pools/nope").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        assertEquals(0, given().get("/sim/summary").then().statusCode(200).extract().<Integer>path("busyInstancesTouched"));
    }

    @Test
    void badBurstsAreRefusedWithAReason() {
        given().contentType("application/json").body("{\"count\":0}").post("/sim/jobs").then().statusCode(400);
        given().contentType("application/json").body("{\"count\":5000}").post("/sim/jobs").then().statusCode(400);
        given().contentType("application/json").body("{\"count\":1,\"durationSeconds\":-1}").post("/sim/jobs").then().statusCode(400);
        given().contentType("application/json").body("{not json").post("/sim/jobs").then().statusCode(400);
    }

    private PoolLoop pool() {
        return runtime.scaler().loop("linux").orElseThrow();
    }
}
