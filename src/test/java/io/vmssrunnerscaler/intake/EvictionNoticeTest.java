package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /runners/{name}/evicted}, called as a runner VM's watcher of Azure's scheduled
 * events calls it: with the instance's hook token and the event. The instance stops counting as
 * capacity and is replaced, its job is recorded lost and shown; bad input changes nothing.
 */
@QuarkusTest
@TestProfile(EvictionNoticeTest.Profile.class)
class EvictionNoticeTest {
    private static final String PREEMPT = "{\"eventId\":\"602d9444-d2cd-49c7-8624-8643e7171297\",\"eventType\":\"Preempt\","
            + "\"notBefore\":\"Mon, 07 Dec 2026 10:00:30 GMT\"}";

    /** A profile of its own: the eviction leaves its mark on the pool. */
    public static class Profile extends ManualRunnersProfile {}

    @Inject
    ScalerRuntime runtime;

    @BeforeEach
    void fiveInstancesProvisioning() {
        Listed.await(runtime, () -> instances().size(), 5);
    }

    @Test
    void aBusyRunnersEvictionIsRecordedItsJobLostAndItsCapacityReplaced() {
        Instance vm = instances().stream().filter(i -> i.phase() == Phase.PROVISIONING).findFirst().orElseThrow();
        String token = Attested.jitconfig(vm.name(), vm.vmId()).statusCode(200).extract().path("hookToken");
        RunnerResourceTest.hook(vm.name(), "job-started", token).statusCode(202);
        await().until(() -> phase(vm.name()) == Phase.BUSY);

        evicted(vm.name(), token, PREEMPT).statusCode(202).body("outcome", equalTo("accepted"));
        await().until(() -> phase(vm.name()) == Phase.EVICTED);
        evicted(vm.name(), token, PREEMPT).statusCode(202); // the watcher may say it twice

        // min 5: the evicted one no longer counts, so a sixth instance is asked for at once (the
        // simulated VMs of this profile take an hour to boot: the change stays in flight).
        assertEquals(4, state().live());
        await().until(() -> state().operations().stream()
                .anyMatch(o -> o.kind() == Operation.Kind.SET_CAPACITY && o.capacity() == 6));
        given().get("/pools/linux").then().statusCode(200)
                .body("evictionsLastHour", equalTo(1))
                .body("lostJobs.size()", equalTo(1))
                .body("lostJobs[0].runner", equalTo(vm.name()))
                .body("lostJobs[0].reason", equalTo("evicted"))
                .body("lostJobs[0].outcome", equalTo("watching"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("scaler_evictions_total{kind=\"preempt\",pool=\"linux\"} 1.0"))
                .body(containsString("scaler_lost_jobs_total{pool=\"linux\",reason=\"evicted\"} 1.0"));
    }

    @Test
    void badNoticesAreRefusedWithAReasonAndChangeNothing() {
        Instance vm = instances().stream().filter(i -> i.phase() == Phase.PROVISIONING).findFirst().orElseThrow();
        Instance other = instances().stream().filter(i -> i.phase() == Phase.PROVISIONING && !i.name().equals(vm.name()))
                .findFirst().orElseThrow();
        String token = Attested.jitconfig(vm.name(), vm.vmId()).statusCode(200).extract().path("hookToken");
        PoolState before = state();
        int lostBefore = given().get("/pools/linux").then().statusCode(200).extract().path("lostJobs.size()");

        evicted(vm.name(), token, "").statusCode(400).body("outcome", equalTo("malformed"));
        evicted(vm.name(), token, "not json").statusCode(400).body("reason", containsString("not JSON"));
        evicted(vm.name(), token, "{\"eventType\":\"Freeze\"}").statusCode(400)
                .body("reason", containsString("Preempt or Terminate"));
        evicted(vm.name(), token, "{\"eventType\":\"Preempt\",\"pad\":\"" + "x".repeat(5000) + "\"}").statusCode(413)
                .body("outcome", equalTo("too-large"));
        evicted(vm.name(), null, PREEMPT).statusCode(401).body("outcome", equalTo("unauthenticated"));
        evicted(other.name(), token, PREEMPT).statusCode(403).body("outcome", equalTo("wrong-runner"));
        evicted("-bad..name", token, PREEMPT).statusCode(400).body("outcome", equalTo("malformed"));

        assertEquals(Phase.IDLE, phase(vm.name()));
        assertEquals(Phase.PROVISIONING, phase(other.name()), "another runner's token evicted it");
        assertEquals(before.evictions(), state().evictions());
        given().get("/pools/linux").then().statusCode(200).body("lostJobs.size()", equalTo(lostBefore));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("scaler_runner_calls_total{kind=\"evicted\",outcome=\"malformed\"} 3.0"))
                .body(containsString("scaler_runner_calls_total{kind=\"evicted\",outcome=\"wrong-runner\"} 1.0"));
    }

    private static ValidatableResponse evicted(String name, String token, String body) {
        var request = given().contentType("application/json").body(body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.post("/runners/" + name + "/evicted").then();
    }

    private PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }

    private List<Instance> instances() {
        return List.copyOf(state().instances().values());
    }

    private Phase phase(String name) {
        return state().byName(name).orElseThrow().phase();
    }
}
