package io.vmssrunnerscaler.scaleset.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Route;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeBucket;
import io.vmssrunnerscaler.fakes.arm.FakeRefusal;
import io.vmssrunnerscaler.scaleset.CapacityRefusal;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way Azure refuses capacity, answered at once or as the end of the operation, reaches the
 * caller as CapacityRefused with Azure's code, through the real SDK, and is sent once: no retry
 * spends another Update token.
 */
class AzureScaleSetRefusalsTest {
    private static final Duration AWAIT = Duration.ofSeconds(15);
    private static final String KEY = ArmCall.key(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME);
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    static Stream<Arguments> refusals() {
        return Arrays.stream(FakeRefusal.values())
                .flatMap(r -> Arrays.stream(FakeRefusal.Delivery.values()).map(d -> Arguments.of(r, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusals")
    void eachRefusalReachesTheCallerOnceAsCapacityRefused(FakeRefusal refusal, FakeRefusal.Delivery delivery) {
        var budget = ThrottleBudget.azure(Clock.systemUTC());
        ArmFixture f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(20), Duration.ofMillis(20)), 2, budget);
        f.arm.faults().refuseCapacity(refusal, delivery);

        var e = assertThrows(ScaleSetException.CapacityRefused.class, () -> f.scaleSet.setCapacity(f.ref, 5).await().atMost(AWAIT));

        CapacityRefusal port = e;
        assertEquals(refusal.code(), port.refusalCode());
        assertNotNull(port.refusalReason());
        assertEquals(1, f.arm.counters().requests(Route.PATCH_SCALE_SET), "a refusal is not retried");
        assertEquals(1, f.arm.counters().calls(FakeBucket.UPDATE_VMSS));
        assertEquals(10, budget.available(KEY, ArmPolicy.UPDATE_VMSS), "one Update token spent, of 11 usable");
        assertEquals(2, f.fakeSet.capacity(), "capacity unchanged");
        if (delivery == FakeRefusal.Delivery.SYNC) {
            assertEquals(409, e.details().status());
            assertNotNull(e.correlationId());
        }
    }

    @Test
    void aRefusedScaleSetStillShrinks() {
        ArmFixture f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(20), Duration.ofMillis(20)), 3);
        f.arm.faults().refuseCapacity(FakeRefusal.REGIONAL_QUOTA, FakeRefusal.Delivery.SYNC);

        f.scaleSet.setCapacity(f.ref, 1).await().atMost(AWAIT);

        assertEquals(1, f.fakeSet.capacity());
        assertEquals(0, f.arm.counters().refused(FakeRefusal.REGIONAL_QUOTA));
    }

    @Test
    void anOperationFailingWithAnotherCodeIsNoRefusal() {
        ArmFixture f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(20), Duration.ofMillis(20)), 1);
        f.arm.faults().failOperations("InternalExecutionError");

        var e = assertThrows(ScaleSetException.class, () -> f.scaleSet.setCapacity(f.ref, 3).await().atMost(AWAIT));

        assertInstanceOf(ScaleSetException.Transient.class, e);
    }
}
