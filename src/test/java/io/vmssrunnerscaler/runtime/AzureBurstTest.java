package io.vmssrunnerscaler.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A burst of jobs through the scaler in azure mode: the real Azure SDK and REST client against
 * the HTTPS fakes of Resource Manager (which enforces Azure's throttling buckets), Key Vault and
 * GitHub, and a real Azurite. The same invariants as the simulator's burst, plus: no 429.
 */
@QuarkusTest
@TestProfile(AzureBurstProfile.class)
class AzureBurstTest {
    static final int JOBS = 12;
    static final int MAX = 4;

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void everyJobRunsWithinMaxNothingBusyIsTouchedAndThePoolReturnsToMinWithoutA429() {
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port)) {
            fleet.submit(JOBS, 9000, Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                    .until(() -> fleet.completed.size() == JOBS || !fleet.busyTouched.isEmpty());
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> AzureWorld.scaleSet.instances().size() == 1 && live() == 1);
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            fleet.assertCapacityNeverAbove(MAX);
        }
        List<FakeArmCounters.Write> writes = AzureWorld.arm.counters().writes();
        assertTrue(writes.stream().anyMatch(w -> w.capacity() != null && w.capacity() == MAX), "the burst should reach max");
        assertEquals(0, AzureWorld.arm.counters().throttled(), "the fake ARM answered 429");
    }

    private int live() {
        return runtime.scaler().loop("linux").orElseThrow().state().live();
    }
}
