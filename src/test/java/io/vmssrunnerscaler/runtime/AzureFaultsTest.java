package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outages of Azure, the queue, Key Vault and GitHub, switched on in the local fakes while a burst
 * runs. Each ends with the same invariants: every job ran, nothing busy was touched, capacity
 * stayed within max.
 */
@QuarkusTest
@TestProfile(AzureFaultsProfile.class)
class AzureFaultsTest {
    static final int MAX = 4;
    static final String SCOPE = "octo-org/app";
    private static final AtomicLong NEXT_JOB = new AtomicLong(20_000);
    private static FakeFleet fleet;

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        if (fleet == null) {
            fleet = FakeFleet.aroundTheScalerOn(port);
        }
    }

    @AfterEach
    void clearFaults() {
        AzureWorld.arm.faults().clear();
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
            fleet = null;
        }
    }

    @Test
    void armThrottlingWithRetryAfterIsWaitedOut() {
        int throttledBefore = AzureWorld.arm.counters().throttled();
        AzureWorld.arm.faults().throttleNext(3, Duration.ofSeconds(2));

        burstRunsAndInvariantsHold(6);

        assertTrue(AzureWorld.arm.counters().throttled() > throttledBefore, "the fake should have answered 429");
        String metrics = AzureWorld.operator().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("scaler_arm_throttled_total{") && !l.endsWith(" 0.0")),
                "429s are counted in the metrics");
    }

    @Test
    void metricsShowEachPoolItsCallsAndHowLongJobsWaited() {
        burstRunsAndInvariantsHold(4);

        String metrics = AzureWorld.operator().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("scaler_pool_instances{phase=\"idle\",pool=\"linux\"}", "scaler_pool_busy{pool=\"linux\"}",
                "scaler_pool_queued{pool=\"linux\"}", "scaler_pool_desired{pool=\"linux\"}",
                "scaler_arm_throttle_waits_total{policy=\"HighCostGetVMScaleSet\"}",
                "scaler_webhook_deliveries_total{outcome=\"accepted\"}")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(series + " ")), series + " missing");
        }
        assertTrue(value(metrics, "scaler_operations_total{kind=\"set_capacity\",outcome=\"succeeded\",pool=\"linux\"}") >= 1);
        assertTrue(value(metrics, "scaler_operations_total{kind=\"list\",outcome=\"succeeded\",pool=\"linux\"}") >= 1);
        assertTrue(value(metrics, "scaler_job_wait_seconds_count{pool=\"linux\"}") >= 4, "every job's wait is timed");
    }

    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void armServerErrorsAreRetried() {
        AzureWorld.arm.faults().failNext(4);

        burstRunsAndInvariantsHold(6);
    }

    @Test
    void armAnswersSlowerThanTheRequestTimeoutAreAbandonedAndRetried() {
        AzureWorld.arm.faults().delayNext(2, Duration.ofSeconds(4));

        burstRunsAndInvariantsHold(6);
    }

    @Test
    void theQueueGoesDownAndComesBackAndTheReconcileLoopRepairsTheMarkers() {
        AzureWorld.azurite.pause();
        try {
            List<Long> jobs = submit(6);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> given().get("/q/health/well").statusCode() == 503);
            given().get("/q/health/ready").then().statusCode(200); // deliveries are still taken
            AzureWorld.azurite.resume();
            finishAndCheck(jobs);
        } finally {
            AzureWorld.azurite.resume();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> given().get("/q/health/well").then().statusCode(200));
    }

    @Test
    void keyVaultDownAtStartKeepsTheScalerUnreadyUntilItAnswers() {
        AzureWorld.vault.goDown(FakeKeyVault.Outage.SERVICE_UNAVAILABLE);
        try {
            runtime.stop();
            runtime.start();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> state().lastListApplied() > 0);
            given().get("/q/health/ready").then().statusCode(503);
            given().contentType("application/json").header("X-GitHub-Event", "workflow_job")
                    .header("X-GitHub-Delivery", "kv-down-1").header("X-Hub-Signature-256", "sha256=00")
                    .body("{}").post("/github/webhook").then().statusCode(503);
        } finally {
            AzureWorld.vault.comeBack();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        burstRunsAndInvariantsHold(4);
    }

    @Test
    void gitHubServerErrorsDelayRunnersButLoseNothing() {
        AzureWorld.gitHub.failNext(null, 4, 502);

        burstRunsAndInvariantsHold(6);
    }

    @Test
    void aGitHubTokenRotatedInKeyVaultIsPickedUpAfterGitHubRefusesTheOldOne() {
        burstRunsAndInvariantsHold(1); // the scaler has read and uses the first token
        String rotated = "ghp_rotatedTokenFromTheVault";
        AzureWorld.gitHub.acceptToken(rotated);
        AzureWorld.vault.setSecret("github-token", rotated);
        AzureWorld.gitHub.revokeToken(AzureWorld.GITHUB_TOKEN);
        int refusedBefore = refused();

        burstRunsAndInvariantsHold(4);

        assertTrue(refused() > refusedBefore, "GitHub should have refused the old token at least once");
        assertTrue(AzureWorld.vault.allValues().contains(rotated));
    }

    private int refused() {
        return (int) AzureWorld.gitHub.callLog().stream().filter(c -> c.status() == 401).count();
    }

    private void burstRunsAndInvariantsHold(int jobs) {
        finishAndCheck(submit(jobs));
    }

    private List<Long> submit(int jobs) {
        long first = NEXT_JOB.getAndAdd(jobs);
        fleet.submit(jobs, first, Duration.ofSeconds(1));
        return LongStream.range(first, first + jobs).boxed().toList();
    }

    private void finishAndCheck(List<Long> jobs) {
        // The fake enforces Azure's buckets for the whole class (4 updates and 4 deletes per refill
        // period, 8 s here): a later case starts with them spent and waits for them.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> fleet.completed.containsAll(jobs) || !fleet.busyTouched.isEmpty());
        assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
        assertTrue(fleet.completed.containsAll(jobs), "every job ran");
        fleet.assertCapacityNeverAbove(MAX);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> state().busy() == 0 && state().queued().isEmpty());
    }

    private PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }
}
