package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
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
    void badBurstsAreRefusedWithAReasonAndSubmitNothing() {
        SimEventLog log = runtime.world().orElseThrow().log();
        long before = log.of(SimEvent.Kind.JOB_QUEUED).size();
        refused("{\"count\":0}", "invalid", "count must be between 1 and 1000, got 0");
        refused("{\"count\":5000}", "invalid", "count must be between 1 and 1000, got 5000");
        refused("{\"count\":1,\"durationSeconds\":0}", "invalid", "durationSeconds must be between 1 and 86400, got 0");
        refused("{\"count\":1,\"durationSeconds\":-1}", "invalid", "durationSeconds must be between 1 and 86400, got -1");
        refused("{\"count\":1,\"duration\":5}", "invalid", "unknown field 'duration': the fields are count, labels and durationSeconds");
        refused("{not json", "invalid", "the body is not a burst of jobs");
        refused("", "invalid", "a JSON object is needed");
        refused("null", "invalid", "a JSON object is needed, not null");
        refused("{\"count\":\"many\"}", "invalid", "the body is not a burst of jobs");
        refused("{\"count\":2,\"labels\":[\"self-hosted\",\"gpu\"]}", "unserved",
                "no pool serves labels [gpu, self-hosted]: a job runs only where a pool's labels cover all of its own;"
                        + " the pools here have [linux, self-hosted, x64]");
        assertEquals(before, log.of(SimEvent.Kind.JOB_QUEUED).size(), "a refused burst submits no job");

        given().contentType("application/json").body("{\"count\":1,\"labels\":[\"Linux\"],\"durationSeconds\":1}")
                .post("/sim/jobs").then().statusCode(202).body("outcome", equalTo("accepted"))
                .body("reason", equalTo("1 job(s) submitted")).body("burst.count", equalTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.of(SimEvent.Kind.JOB_QUEUED).size() == before + 1);
    }

    private static void refused(String body, String outcome, String reason) {
        given().contentType("application/json").body(body).post("/sim/jobs").then().statusCode(400)
                .contentType("application/json").body("outcome", equalTo(outcome))
                .body("reason", startsWith(reason));
    }

    @Test
    void summaryNamesItsCountersApartFromThePools() {
        given().get("/sim/summary").then().statusCode(200)
                .body("submitted", greaterThanOrEqualTo(0))
                .body("waiting", greaterThanOrEqualTo(0))
                .body("$", not(hasKey("queued")));
    }

    private PoolLoop pool() {
        return runtime.scaler().loop("linux").orElseThrow();
    }
}
