package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The scaler stops after a job has ended but before its VM was re-imaged or deleted. Only the busy
 * store can tell the new scaler that this VM is used: to the scale set it looks like any instance,
 * and its runner is gone from GitHub just as a booting VM's runner is not there yet.
 */
@QuarkusTest
@TestProfile(AzureRecycleRestartProfile.class)
class AzureRecycleRestartTest {

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aUsedVmWhoseRecycleWasNotSentBeforeARestartIsRecycledByTheNewScaler() {
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port)) {
            fleet.submit(1, 9100, Duration.ofSeconds(8)); // long enough to switch the faults on while it runs
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> state().busy() == 1);
            String used = AzureWorld.scaleSet.instances().get(0).instanceId();

            // Azure refuses every call from now on, so the used VM's recycle cannot go out.
            int throttledBefore = AzureWorld.arm.counters().throttled();
            AzureWorld.arm.faults().throttleAlways(Duration.ofMinutes(10));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> fleet.completed.contains(9100L) && state().busy() == 0
                            && AzureWorld.arm.counters().throttled() > throttledBefore);
            runtime.stop();
            AzureWorld.arm.faults().clear();
            assertEquals(List.of(used), AzureWorld.scaleSet.instances().stream().map(FakeScaleSet.Instance::instanceId).toList(),
                    "the used VM is still there");
            int writesAtRestart = AzureWorld.arm.counters().writes().size();

            runtime.start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
            fleet.submit(1, 9101, Duration.ofSeconds(1));

            // With one instance at most, the next job runs only once the used VM is recycled; left
            // for a fresh one it would hold the pool until the boot timeout (10 minutes).
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> fleet.completed.contains(9101L) || !fleet.busyTouched.isEmpty());
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            List<FakeArmCounters.Write> after = AzureWorld.arm.counters().writes();
            assertTrue(after.subList(writesAtRestart, after.size()).stream()
                    .anyMatch(w -> w.instanceIds() != null && w.instanceIds().contains(used)), after::toString);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> state().busy() == 0 && state().queued().isEmpty());
        }
    }

    private PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }
}
