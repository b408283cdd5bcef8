package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Azure refusing capacity (quota, allocation, SKU): growth backs off, growing from one minute to
 * at most 30, and says why; everything else goes on; a capacity change that succeeds ends it.
 */
class CapacityRefusalTest {
    private static final PoolSpec EXACT = Pools.spec().min(0).max(10).free(0).build();

    /** One job queued, the capacity change refused, the listing after it answered unchanged. */
    private static Scenario refusedOnce() {
        return Scenario.with(EXACT).queued(1).refuse("OperationNotAllowed").listed();
    }

    @Test
    void aRefusalBacksOffGrowthForAMinuteAndSaysWhy() {
        Scenario s = refusedOnce();
        PoolState.GrowthRefusal refusal = s.state().growthRefusal().orElseThrow();
        assertEquals("OperationNotAllowed", refusal.code());
        assertEquals(1, refusal.inARow());
        assertEquals(T0.plus(Duration.ofMinutes(1)), refusal.until());
        assertTrue(s.state().lastFailure().orElseThrow().reason().contains("OperationNotAllowed"));

        s.queued(2).after(Duration.ofSeconds(59)).tick();
        assertEquals(Optional.empty(), s.capacity(), "no PATCH while Azure's refusal backs off");
        s.after(Duration.ofSeconds(1)).tick();
        assertEquals(Optional.of(2), s.capacity(), "growth is tried again after the back-off");
    }

    @Test
    void refusalsInARowDoubleTheBackOffUpToThirtyMinutes() {
        Scenario s = refusedOnce();
        Duration expected = Duration.ofMinutes(1);
        for (int n = 2; n <= 8; n++) {
            // A new job each time: the first would pass the queued age limit (1 h) before the cap is reached.
            s.after(Duration.between(s.now(), s.state().growthRefusal().orElseThrow().until())).queued(n);
            s.refuse("AllocationFailed").listed();
            expected = expected.multipliedBy(2).compareTo(Duration.ofMinutes(30)) > 0 ? Duration.ofMinutes(30)
                    : expected.multipliedBy(2);
            PoolState.GrowthRefusal r = s.state().growthRefusal().orElseThrow();
            assertEquals(n, r.inARow());
            assertEquals(expected, Duration.between(r.at(), r.until()), "back-off after refusal " + n);
        }
        assertEquals(Duration.ofMinutes(30), expected, "capped");
    }

    @Test
    void aSucceedingCapacityChangeEndsTheBackOff() {
        Scenario s = refusedOnce().after(Duration.ofMinutes(1)).tick();
        s.succeed(Operation.Kind.SET_CAPACITY);
        assertTrue(s.state().growthRefusal().isEmpty());
    }

    @Test
    void deletesAndReimagesGoOnWhileGrowthBacksOff() {
        Scenario s = refusedOnce();
        assertEquals(T0, s.now());
        // A failed instance is still replaced: deleting needs no capacity.
        s.refresh().listedWith(Pools.failed("0"));
        assertFalse(s.inFlight(Operation.Kind.DELETE).isEmpty(), "the failed instance is deleted during the back-off");
    }

    @Test
    void aRefusedReimageFailsLikeAnyFailure() {
        Scenario s = Scenario.with(EXACT, Pools.busy("0", 7)).queued(8).completed(7, Pools.name("0"));
        long reimage = s.op(Operation.Kind.REIMAGE).id();
        s.on(new PoolEvent.CapacityRefused(reimage, "AllocationFailed", "no capacity"));
        assertTrue(s.state().growthRefusal().isEmpty(), "only a capacity change backs off growth");
        assertEquals(Phase.FAILED, s.state().instances().get("0").phase());
    }
}
