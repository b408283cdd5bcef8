package io.vmssrunnerscaler.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.PoolState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The scaler is stopped in the middle of a burst and a new one, knowing nothing, starts against
 * the same Azure, queue and GitHub: it rebuilds the busy runners and the waiting jobs from the
 * queue and the instances from the scale set, and finishes the burst.
 */
@QuarkusTest
@TestProfile(AzureRestartProfile.class)
class AzureRestartTest {
    static final int JOBS = 12;
    static final int MAX = 4;

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aRestartInTheMiddleOfABurstLosesNoJobTouchesNoBusyRunnerAndLeaksNoInstance() {
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port)) {
            fleet.submit(JOBS, 7000, Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> state().busy() >= 2 && state().queued().size() >= 4);
            int waitingAtStop = state().queued().size();

            runtime.stop();
            runtime.start();

            assertEquals(0, state().queued().size(), "the new scaler starts knowing nothing");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> state().lastListApplied() > 0);
            assertTrue(state().queued().size() >= 1,
                    "waiting jobs are read back from the queue (" + waitingAtStop + " were waiting at the stop)");

            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                    .until(() -> fleet.completed.size() == JOBS || !fleet.busyTouched.isEmpty());
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            assertEquals(JOBS, fleet.completed.size(), "every job ran");

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> AzureWorld.scaleSet.instances().isEmpty() && state().live() == 0);
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> AzureWorld.gitHub.runnerCount("octo-org/app") == 0);
            fleet.assertCapacityNeverAbove(MAX);
        }
    }

    private PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }
}
