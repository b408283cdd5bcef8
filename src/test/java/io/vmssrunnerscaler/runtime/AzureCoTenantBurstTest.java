package io.vmssrunnerscaler.runtime;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters;
import io.vmssrunnerscaler.fakes.arm.FakeBucket;
import io.vmssrunnerscaler.fakes.arm.FakeCoTenant;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@link AzureBurstTest}'s burst while another caller spends the same scale set's Update VMSS
 * budget: it has taken most of the bucket just before the burst and goes on taking a token
 * {@link #DRAIN_FIRST} into the burst and then every {@link #DRAIN_EVERY}. The scaler's local bucket cannot know this; only Azure's
 * {@code x-ms-ratelimit-remaining-resource} figures tell it, so without following them the scaler
 * spends tokens that are gone and the fake answers 429. Azure's bucket sizes (12, refilled 4 per
 * {@link #REFILL_PERIOD}) on both sides, the scaler's bucket counted over the same period
 * ({@code scaler.azure.throttle-period}).
 */
@QuarkusTest
@TestProfile(AzureCoTenantBurstProfile.class)
class AzureCoTenantBurstTest {
    static final int JOBS = 12;
    static final int MAX = 4;
    /** Update VMSS tokens the co-tenant leaves the scaler for its burst: fewer than the burst needs. */
    static final int LEFT = 4;
    /** Azure's minute, shortened: the bucket refills 4 tokens per this period, one every 5 s. */
    static final Duration REFILL_PERIOD = Duration.ofSeconds(20);
    /** The co-tenant's steady spending: half of the bucket's refill. */
    static final Duration DRAIN_EVERY = REFILL_PERIOD.dividedBy(2);
    static final Duration DRAIN_FIRST = REFILL_PERIOD.dividedBy(6);

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aCoTenantSpendingTheUpdateBudgetCausesNo429AndTheBurstStillRunsWithinMaxTouchingNothingBusy() throws Exception {
        FakeArmCounters arm = AzureWorld.arm.counters();
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port)) {
            FakeCoTenant coTenant = AzureWorld.coTenant();
            assertEquals(12 - LEFT, coTenant.spend(FakeBucket.UPDATE_VMSS, 12 - LEFT), "the Update bucket should start full");
            try (AutoCloseable drain = coTenant.drain(FakeBucket.UPDATE_VMSS, 1, DRAIN_FIRST, DRAIN_EVERY)) {
                fleet.submit(JOBS, 9000, Duration.ofSeconds(1));
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                        .until(() -> fleet.completed.size() == JOBS || !fleet.busyTouched.isEmpty() || arm.throttled() > 0);
                assertEquals(0, arm.throttled(), "the fake ARM answered 429");
                assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> AzureWorld.scaleSet.instances().size() == 1 && live() == 1);
                // A quick run may end before the co-tenant's next turn: it takes its turn while the
                // scaler still runs, so that the scaler meets a figure it did not cause.
                await().atMost(DRAIN_EVERY.multipliedBy(2)).pollInterval(Duration.ofMillis(250))
                        .until(() -> arm.coTenantSpent(FakeBucket.UPDATE_VMSS) > 12 - LEFT);
            }
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            fleet.assertCapacityNeverAbove(MAX);
        }
        List<FakeArmCounters.Write> writes = arm.writes();
        assertTrue(writes.stream().anyMatch(w -> w.capacity() != null && w.capacity() == MAX), "the burst should reach max");
        assertEquals(0, arm.throttled(), "the fake ARM answered 429");
        // The case is only a test if the scaler needed more Update tokens than the co-tenant left it
        // usable (one is kept back as headroom), so that it had to wait for refills the co-tenant
        // also took from, and the co-tenant went on spending meanwhile.
        assertThat("Update VMSS calls of the scaler", arm.calls(FakeBucket.UPDATE_VMSS), greaterThan(LEFT - 1));
        String metrics = AzureWorld.operator().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("scaler_arm_budget_lowered_total{policy=\"UpdateVMScaleSet\"} ")
                && !l.endsWith(" 0.0")), "the metrics show Azure's figures lowering the local Update bucket");
        assertThat("tokens the co-tenant took", arm.coTenantSpent(FakeBucket.UPDATE_VMSS), greaterThan(12 - LEFT));
    }

    private int live() {
        return runtime.scaler().loop("linux").orElseThrow().state().live();
    }
}
