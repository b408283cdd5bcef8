package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The simulated Azure's throttling buckets (docs/PROTOCOLS.md, "Azure throttling"): counted always,
 * enforced when asked.
 */
class SimThrottlingTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @Test
    void anUpdateBucketAllowsTwelveAtOnceThenOneEveryFifteenSeconds() {
        SimThrottling t = new SimThrottling().enforce(true);
        for (int i = 0; i < 12; i++) {
            assertEquals(Optional.empty(), t.take("ss", ArmBucket.UPDATE_VMSS, T0), "call " + (i + 1));
        }
        assertEquals(Optional.of(Duration.ofSeconds(15)), t.take("ss", ArmBucket.UPDATE_VMSS, T0));
        assertEquals(Optional.of(Duration.ofSeconds(5)), t.take("ss", ArmBucket.UPDATE_VMSS, T0.plusSeconds(10)));
        assertEquals(Optional.empty(), t.take("ss", ArmBucket.UPDATE_VMSS, T0.plusSeconds(15)));
        assertTrue(t.take("ss", ArmBucket.UPDATE_VMSS, T0.plusSeconds(16)).isPresent());
        assertEquals(13, t.calls("ss", ArmBucket.UPDATE_VMSS));
        assertEquals(3, t.throttled("ss", ArmBucket.UPDATE_VMSS));
    }

    @Test
    void bucketsAreSeparatePerPolicyAndPerScaleSet() {
        SimThrottling t = new SimThrottling().enforce(true);
        for (int i = 0; i < 12; i++) {
            t.take("a", ArmBucket.UPDATE_VMSS_VMS, T0);
        }
        assertTrue(t.take("a", ArmBucket.UPDATE_VMSS_VMS, T0).isPresent());
        assertFalse(t.take("a", ArmBucket.UPDATE_VMSS, T0).isPresent(), "per-VM calls drained the set's bucket");
        assertFalse(t.take("b", ArmBucket.UPDATE_VMSS_VMS, T0).isPresent(), "one scale set drained another's");
        for (int i = 0; i < 30; i++) {
            assertFalse(t.take("a", ArmBucket.HIGH_COST_GET_VMSS, T0).isPresent());
        }
        assertEquals(Optional.of(Duration.ofSeconds(6)), t.take("a", ArmBucket.HIGH_COST_GET_VMSS, T0));
    }

    @Test
    void notEnforcedItOnlyCounts() {
        SimThrottling t = new SimThrottling();
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.empty(), t.take("ss", ArmBucket.DELETE_VMSS_VMS, T0));
        }
        assertEquals(100, t.calls("ss", ArmBucket.DELETE_VMSS_VMS));
        assertEquals(0, t.throttled("ss", ArmBucket.DELETE_VMSS_VMS));
    }

    @Test
    void theSimulatedScaleSetAnswersAThrottledCallWithRetryAfterAndChargesEachCallToItsBucket() {
        VirtualTimeSource time = new VirtualTimeSource(T0);
        Pool pool = VirtualRunTest.pool("linux", 0, 5, 0, "linux");
        SimWorld world = new SimWorld(time, VirtualRunTest.settings(0), SimulatorWiring.scaleSets(List.of(pool)));
        world.azure().throttling().enforce(true);
        ScaleSetRef ref = pool.scaleSet();
        List<Object> outcomes = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            world.azure().setCapacity(ref, 0).subscribe().with(outcomes::add, outcomes::add);
        }
        for (int i = 0; i < 31; i++) {
            world.azure().list(ref).subscribe().with(outcomes::add, outcomes::add);
        }
        world.azure().capacity(ref).subscribe().with(outcomes::add, outcomes::add);
        assertTrue(outcomes.isEmpty(), "an answer came on the caller's stack");
        time.runFor(Duration.ofMinutes(1));

        List<SimulatedThrottled> throttled = outcomes.stream().filter(SimulatedThrottled.class::isInstance)
                .map(SimulatedThrottled.class::cast).toList();
        assertEquals(2, throttled.size(), () -> "outcomes: " + outcomes);
        assertEquals(ArmBucket.UPDATE_VMSS, throttled.get(0).bucket());
        assertEquals(Duration.ofSeconds(15), throttled.get(0).retryAfter());
        assertTrue(throttled.get(0).getMessage().startsWith("OperationNotAllowed"));
        assertEquals(ArmBucket.HIGH_COST_GET_VMSS, throttled.get(1).bucket());
        assertEquals(12, world.azure().throttling().calls(ref.name(), ArmBucket.UPDATE_VMSS));
        assertEquals(30, world.azure().throttling().calls(ref.name(), ArmBucket.HIGH_COST_GET_VMSS));
        assertEquals(1, world.azure().throttling().calls(ref.name(), ArmBucket.LOW_COST_GET_VMSS));
        assertTrue(outcomes.contains(0), "the scale set's GET did not answer its capacity");
    }

    @Test
    void perInstanceCallsGoToTheVmBucketsAndBatchDeletesToDeleteVmssVms() {
        VirtualTimeSource time = new VirtualTimeSource(T0);
        Pool pool = VirtualRunTest.pool("linux", 0, 5, 0, "linux");
        SimWorld world = new SimWorld(time, VirtualRunTest.settings(0), SimulatorWiring.scaleSets(List.of(pool)));
        ScaleSetRef ref = pool.scaleSet();
        List<Object> failures = new ArrayList<>();
        // unknown instances: the calls fail, but Azure has counted them all the same
        world.azure().reimageInstance(ref, "7").subscribe().with(x -> { }, failures::add);
        world.azure().deleteInstance(ref, "7").subscribe().with(x -> { }, failures::add);
        world.azure().delete(ref, List.of("7")).subscribe().with(x -> { }, failures::add);
        world.azure().reimage(ref, List.of("7")).subscribe().with(x -> { }, failures::add);
        time.runFor(Duration.ofSeconds(1));
        assertEquals(4, failures.size());
        SimThrottling t = world.azure().throttling();
        assertEquals(1, t.calls(ref.name(), ArmBucket.UPDATE_VMSS_VMS));
        assertEquals(2, t.calls(ref.name(), ArmBucket.DELETE_VMSS_VMS));
        assertEquals(1, t.calls(ref.name(), ArmBucket.UPDATE_VMSS));
        assertFalse(t.enforced());
    }
}
