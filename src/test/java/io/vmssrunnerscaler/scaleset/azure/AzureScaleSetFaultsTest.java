package io.vmssrunnerscaler.scaleset.azure;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Route;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Throttling, retries, deadlines and error translation, with faults injected into the ARM fake. */
class AzureScaleSetFaultsTest {
    private static final Duration AWAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    private ArmFixture f;

    @Test
    void a429IsHonouredWithItsRetryAfterAndTheCallSucceeds() {
        f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().throttleNext(1, Duration.ofSeconds(1));
        long start = System.nanoTime();

        assertEquals(2, f.scaleSet.list(f.ref).await().atMost(AWAIT).size());

        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertEquals(1, f.arm.counters().throttled());
        assertEquals(2, f.arm.counters().requests(Route.LIST_INSTANCES));
    }

    @Test
    void aRetryAfterBeyondTheLongestWaitFailsAtOnceAndBlocksTheBucketLocally() {
        f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().throttleAlways(Duration.ofSeconds(120));
        long start = System.nanoTime();

        var e = assertThrows(ScaleSetException.Throttled.class, () -> f.scaleSet.list(f.ref).await().atMost(AWAIT));

        assertThat(Duration.ofNanos(System.nanoTime() - start), lessThan(Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(120), e.retryAfter());
        assertEquals(429, e.details().status());
        assertEquals("OperationNotAllowed", e.details().code());
        assertNotNull(e.correlationId());
        assertEquals(1, f.arm.counters().requests(Route.LIST_INSTANCES), "no retry: 120 s is beyond maxWait");

        var again = assertThrows(ScaleSetException.Throttled.class, () -> f.scaleSet.list(f.ref).await().atMost(AWAIT));
        assertEquals(1, f.arm.counters().requests(Route.LIST_INSTANCES), "the local bucket refuses without asking Azure");
        assertNull(again.correlationId());
        assertThat(again.retryAfter(), greaterThanOrEqualTo(Duration.ofSeconds(110)));
    }

    @Test
    void a500IsRetriedAndTheCallSucceeds() {
        f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().failNext(2);

        assertEquals(2, f.scaleSet.list(f.ref).await().atMost(AWAIT).size());

        assertEquals(3, f.arm.counters().requests(Route.LIST_INSTANCES));
    }

    @Test
    void persistent500sBecomeTransientWithTheCorrelationId() {
        f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().failNext(100);

        var e = assertThrows(ScaleSetException.Transient.class,
                () -> f.scaleSet.delete(f.ref, List.of("0")).await().atMost(AWAIT));

        assertEquals(3, f.arm.counters().requests(Route.DELETE_INSTANCES), "maxAttempts tries, then give up");
        assertEquals(500, e.details().status());
        assertEquals("InternalExecutionError", e.details().code());
        assertNotNull(e.correlationId());
        assertEquals(2, f.fakeSet.instances().size(), "nothing was deleted");
    }

    @Test
    void aSlowResponseEndsInADeadlineError() {
        f = ARM.start(FakeArmOptions.defaults(), 2,
                s -> s.withDeadlines(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5)));
        f.arm.faults().delayAlways(Duration.ofSeconds(10));
        long start = System.nanoTime();

        var e = assertThrows(ScaleSetException.Transient.class, () -> f.scaleSet.list(f.ref).await().atMost(AWAIT));

        assertThat(Duration.ofNanos(System.nanoTime() - start), lessThan(Duration.ofSeconds(5)));
        assertThat(e.getMessage(), containsString("deadline of 500 ms exceeded"));
    }

    @Test
    void aSlowAttemptIsAbandonedAfterItsTimeoutAndRetried() {
        f = ARM.start(FakeArmOptions.defaults(), 2,
                s -> s.withDeadlines(Duration.ofMillis(400), Duration.ofSeconds(10), Duration.ofSeconds(10)));
        f.scaleSet.list(f.ref).await().atMost(AWAIT); // connect and warm up outside the timed part
        f.arm.faults().delayNext(1, Duration.ofSeconds(5));
        long start = System.nanoTime();

        assertEquals(2, f.scaleSet.list(f.ref).await().atMost(AWAIT).size());

        assertThat(Duration.ofNanos(System.nanoTime() - start), lessThan(Duration.ofSeconds(3)));
        assertEquals(3, f.arm.counters().requests(Route.LIST_INSTANCES));
    }

    @Test
    void anUnknownScaleSetIsNotFound() {
        f = ARM.start(FakeArmOptions.defaults(), 1);

        var e = assertThrows(ScaleSetException.NotFound.class,
                () -> f.scaleSet.list(f.other("no-such-vmss")).await().atMost(AWAIT));

        assertEquals(404, e.details().status());
        assertEquals("ResourceNotFound", e.details().code());
        assertNotNull(e.correlationId());
        assertEquals(1, f.arm.counters().requests(), "a 404 is not retried");
    }

    @Test
    void aRefusedTokenIsUnauthorizedAndNeverAppearsInTheMessage() {
        String secret = "s3cret-token-value";
        f = ARM.withToken(secret);

        var e = assertThrows(ScaleSetException.Unauthorized.class, () -> f.scaleSet.list(f.ref).await().atMost(AWAIT));

        assertEquals(401, e.details().status());
        assertThat(e.getMessage(), not(containsString(secret)));
        assertThat(String.valueOf(e.getCause()), not(containsString(secret)));
    }

    @Test
    void anUnknownInstanceIsRejected() {
        f = ARM.start(FakeArmOptions.defaults(), 2);

        var e = assertThrows(ScaleSetException.Rejected.class,
                () -> f.scaleSet.reimage(f.ref, List.of("0", "99")).await().atMost(AWAIT));

        assertEquals("InvalidParameter", e.details().code());
        assertEquals(1, f.arm.counters().requests(Route.REIMAGE), "a 400 is not retried");
    }

    @Test
    void deletingAnInstanceThatIsBeingDeletedIsAConflict() {
        f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(100), Duration.ofSeconds(30)), 2);
        f.scaleSet.delete(f.ref, List.of("0")).subscribe().with(ok -> { }, e -> { });
        await().atMost(AWAIT).until(() -> "Deleting".equals(state(f.fakeSet, "0")));

        var e = assertThrows(ScaleSetException.Conflict.class,
                () -> f.scaleSet.delete(f.ref, List.of("0")).await().atMost(AWAIT));

        assertEquals(409, e.details().status());
    }

    private static String state(FakeScaleSet set, String instanceId) {
        return set.instances().stream().filter(i -> i.instanceId().equals(instanceId))
                .map(FakeScaleSet.Instance::provisioningState).findFirst().orElse(null);
    }
}
