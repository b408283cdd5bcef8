package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The running service's simulator evicts Spot VMs as Azure does, and their watchers tell the
 * scaler over HTTP (`sim/HttpEndpoints`, the hook token, `POST /runners/{name}/evicted`), as a real
 * VM's would: the instances turn EVICTED, the pool replaces them, and nothing busy that was not
 * evicted is touched.
 */
@QuarkusTest
@TestProfile(SimulatedEvictionTest.Profile.class)
class SimulatedEvictionTest {

    /** Four Spot VMs (the scale set's name says Spot), half of them evicted 8 s after start. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scaler.pools.linux.min", "4", "scaler.pools.linux.scale-set.name", "linux-spot",
                    "scaler.sim.eviction-storm-at", "8s", "scaler.sim.eviction-storm-fraction", "0.5",
                    "scaler.sim.eviction-notice", "2s");
        }
    }

    @Inject
    ScalerRuntime runtime;

    @Test
    void evictedSpotVmsAreAnnouncedOverHttpTakenOutAndReplaced() {
        SimEventLog log = runtime.world().orElseThrow().log();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> log.of(SimEvent.Kind.INSTANCE_EVICTED).size() == 2);
        assertEquals(2, log.of(SimEvent.Kind.EVICTION_NOTICE).size());
        // The notices reached the scaler over HTTP with each VM's hook token: counted as accepted.
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "scaler_runner_calls_total{kind=\"evicted\",outcome=\"accepted\"} 2.0"));
        given().get("/pools/linux").then().statusCode(200).body("evictionsLastHour", equalTo(2));
        // Replaced at once: four serving instances again; the evicted ones serve no more (they leave
        // with the next listing).
        java.util.Set<String> evicted = log.of(SimEvent.Kind.INSTANCE_EVICTED).stream().map(SimEvent::instanceId)
                .collect(java.util.stream.Collectors.toSet());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.scaler().loop("linux").orElseThrow().state().live() == 4);
        assertTrue(runtime.scaler().loop("linux").orElseThrow().state().instances().values().stream()
                .filter(i -> evicted.contains(i.instanceId())).allMatch(i -> i.phase() == Phase.EVICTED));
        assertTrue(log.of(SimEvent.Kind.CAPACITY_SET).stream().anyMatch(e -> e.value() >= 4));
        given().get("/sim/summary").then().statusCode(200).body("busyInstancesTouched", equalTo(0));
    }
}
