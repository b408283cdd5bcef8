package io.vmssrunnerscaler.scaleset.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.fakes.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local token buckets, on Azure's limits (one token kept back as headroom) and an injected clock. */
class ThrottleBudgetTest {
    private static final String SET = "sub/rg/vmss";
    private static final Duration GUARD = Duration.ofMillis(500);
    private static final Duration LONG = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock();
    private final ThrottleBudget budget = ThrottleBudget.azure(clock);

    @Test
    void aFullBucketLessItsHeadroomIsFreeThenOneCallPerRefillInterval() {
        for (int i = 0; i < 11; i++) {
            assertEquals(Duration.ZERO, take(ArmPolicy.UPDATE_VMSS), "call " + i + " of the bucket of 12 less 1");
        }
        // 4 per minute: the next token comes after 15 s, the one after 15 s (and a guard) later
        assertEquals(Duration.ofSeconds(15).plus(GUARD), take(ArmPolicy.UPDATE_VMSS));
        assertEquals(Duration.ofSeconds(30).plus(GUARD.multipliedBy(2)), take(ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void aShorterRefillPeriodKeepsTheBucketAndRefillsItsCountInThatPeriod() {
        ThrottleBudget scaled = ThrottleBudget.azure(clock, Duration.ofSeconds(15));
        for (int i = 0; i < 11; i++) {
            assertEquals(Duration.ZERO, scaled.reserve(SET, ArmPolicy.UPDATE_VMSS, LONG).delay());
        }
        // 4 per 15 s: the next token after 3.75 s
        assertEquals(Duration.ofMillis(3750).plus(GUARD), scaled.reserve(SET, ArmPolicy.UPDATE_VMSS, LONG).delay());
    }

    @Test
    void theHighCostGetBucketHoldsThirtyAndRefillsTenPerMinute() {
        for (int i = 0; i < 29; i++) {
            assertEquals(Duration.ZERO, take(ArmPolicy.HIGH_COST_GET_VMSS));
        }
        assertEquals(Duration.ofSeconds(6).plus(GUARD), take(ArmPolicy.HIGH_COST_GET_VMSS));
    }

    @Test
    void aWaitBeyondMaxWaitTakesNothing() {
        drain(ArmPolicy.DELETE_VMSS_VMS, 11);

        ThrottleBudget.Reservation refused = budget.reserve(SET, ArmPolicy.DELETE_VMSS_VMS, Duration.ofSeconds(5));
        assertFalse(refused.granted());
        assertEquals(Duration.ofSeconds(15).plus(GUARD), refused.delay());

        // nothing was taken: the same wait is offered again
        ThrottleBudget.Reservation granted = budget.reserve(SET, ArmPolicy.DELETE_VMSS_VMS, LONG);
        assertTrue(granted.granted());
        assertEquals(Duration.ofSeconds(15).plus(GUARD), granted.delay());
    }

    @Test
    void tokensRefillOverTimeUpToTheBucketSize() {
        drain(ArmPolicy.UPDATE_VMSS, 11);
        assertEquals(0, budget.available(SET, ArmPolicy.UPDATE_VMSS));

        clock.advance(Duration.ofSeconds(30));
        assertEquals(2, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        assertEquals(Duration.ZERO, take(ArmPolicy.UPDATE_VMSS));

        clock.advance(Duration.ofMinutes(10));
        assertEquals(11, budget.available(SET, ArmPolicy.UPDATE_VMSS), "the headroom is never handed out");
    }

    @Test
    void a429BlocksTheBucketUntilItsRetryAfterThenAllowsOneCallPerInterval() {
        budget.throttled(SET, ArmPolicy.UPDATE_VMSS, Duration.ofSeconds(120));

        assertEquals(0, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        assertEquals(Duration.ofSeconds(120).plus(GUARD), take(ArmPolicy.UPDATE_VMSS));
        // that call goes at 120.5 s; the next one interval (15 s) and a guard later, at 136 s
        clock.advance(Duration.ofSeconds(121));
        assertEquals(Duration.ofSeconds(15), take(ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void scaleSetsAndPoliciesHaveTheirOwnBuckets() {
        drain(ArmPolicy.UPDATE_VMSS, 11);

        assertEquals(Duration.ZERO, take(ArmPolicy.DELETE_VMSS_VMS));
        assertEquals(Duration.ZERO, budget.reserve("sub/rg/other", ArmPolicy.UPDATE_VMSS, LONG).delay());
        assertEquals(11, budget.available("sub/rg/third", ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void withoutHeadroomTheWholeBucketIsUsed() {
        var whole = ThrottleBudget.uniform(clock, ArmPolicy.UPDATE_VMSS.azureLimit(), GUARD, 0);
        for (int i = 0; i < 12; i++) {
            assertEquals(Duration.ZERO, whole.reserve(SET, ArmPolicy.UPDATE_VMSS, LONG).delay());
        }
        assertEquals(Duration.ofSeconds(15).plus(GUARD), whole.reserve(SET, ArmPolicy.UPDATE_VMSS, LONG).delay());
    }

    @Test
    void everyPolicyNeedsALimitAndHeadroomBelowItsBucket() {
        var one = Map.of(ArmPolicy.UPDATE_VMSS, ArmPolicy.UPDATE_VMSS.azureLimit());
        assertThrows(IllegalArgumentException.class, () -> new ThrottleBudget(clock, one, GUARD, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ThrottleBudget.uniform(clock, ArmPolicy.UPDATE_VMSS.azureLimit(), GUARD, 12));
        assertThrows(IllegalArgumentException.class, () -> new ThrottleBudget.Limit(0, 4, Duration.ofMinutes(1)));
    }

    @Test
    void azureReportingFewerTokensLowersTheLocalCount() {
        drain(ArmPolicy.UPDATE_VMSS, 2); // locally 10 left, 9 usable
        assertEquals(9, budget.available(SET, ArmPolicy.UPDATE_VMSS));

        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report("UpdateVMScaleSet3Min;4", 1));

        // Azure's 4 include the token of headroom: 3 usable now, then one per 15 s
        assertEquals(3, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        drain(ArmPolicy.UPDATE_VMSS, 3);
        assertEquals(Duration.ofSeconds(15).plus(GUARD), take(ArmPolicy.UPDATE_VMSS));
        assertEquals(1, budget.lowered(ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void azureReportingMoreTokensNeverRaisesTheLocalCount() {
        drain(ArmPolicy.UPDATE_VMSS, 8);

        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report("UpdateVMScaleSet3Min;12", 1));
        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report("UpdateVMScaleSet3Min;500", 1));

        assertEquals(3, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        assertEquals(0, budget.lowered(ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void theLowerOfTheShortAndTheLongWindowIsFollowed() {
        budget.follow(SET, ArmPolicy.DELETE_VMSS_VMS, report("DeleteVMScaleSetVMs3Min;11,Microsoft.Compute/DeleteVMScaleSetVMs30Min;3", 1));

        assertEquals(2, budget.available(SET, ArmPolicy.DELETE_VMSS_VMS));
    }

    @Test
    void anEmptyBucketAtAzureMeansWaitingForTheHeadroomAndOneTokenToRefill() {
        budget.follow(SET, ArmPolicy.HIGH_COST_GET_VMSS, report("HighCostGetVMScaleSet3Min;0", 1));

        var allowance = budget.allowance(SET, ArmPolicy.HIGH_COST_GET_VMSS);
        assertEquals(0, allowance.tokens());
        // 10 per minute: the headroom token after 6 s, the usable one 6 s later
        assertEquals(clock.instant().plus(Duration.ofSeconds(12)).plus(GUARD), allowance.nextToken());
        assertEquals(Duration.ofSeconds(12).plus(GUARD), take(ArmPolicy.HIGH_COST_GET_VMSS));
    }

    @Test
    void aChargeAboveOneSpendsTheExtraTokens() {
        take(ArmPolicy.DELETE_VMSS_VMS); // the reservation of the call itself

        budget.follow(SET, ArmPolicy.DELETE_VMSS_VMS, report(null, 5));

        assertEquals(6, budget.available(SET, ArmPolicy.DELETE_VMSS_VMS), "12 - 1 headroom - 5 charged");
        assertEquals(4, budget.extraCharged(ArmPolicy.DELETE_VMSS_VMS));
        assertEquals(6, budget.allowance(SET, ArmPolicy.DELETE_VMSS_VMS).tokens());
    }

    @Test
    void aChargeBeyondTheBucketMakesCallsWaitButNotForever() {
        take(ArmPolicy.UPDATE_VMSS);

        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report(null, 1000));

        // at most a bucket's worth more: 13 tokens owed, the next usable token 2 intervals after the bucket drains
        ThrottleBudget.Reservation r = budget.reserve(SET, ArmPolicy.UPDATE_VMSS, LONG);
        assertEquals(Duration.ofSeconds(15 * 3).plus(GUARD), r.delay());
    }

    @Test
    void figuresOfOtherScaleSetsAndOtherPoliciesAreKeptApart() {
        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report("DeleteVMScaleSetVMs3Min;1", 1));

        assertEquals(11, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        assertEquals(0, budget.available(SET, ArmPolicy.DELETE_VMSS_VMS));
        assertEquals(11, budget.available("sub/rg/other", ArmPolicy.DELETE_VMSS_VMS));
    }

    @Test
    void afterBeingLoweredTheBucketRefillsAtItsOwnRate() {
        budget.follow(SET, ArmPolicy.UPDATE_VMSS, report("UpdateVMScaleSet3Min;1", 1));
        assertEquals(0, budget.available(SET, ArmPolicy.UPDATE_VMSS));

        clock.advance(Duration.ofSeconds(30));
        assertEquals(2, budget.available(SET, ArmPolicy.UPDATE_VMSS));
        clock.advance(Duration.ofMinutes(10));
        assertEquals(11, budget.available(SET, ArmPolicy.UPDATE_VMSS));
    }

    private static RateLimitHeaders.Report report(String remaining, int charge) {
        return RateLimitHeaders.parse(remaining == null ? java.util.List.of() : java.util.List.of("Microsoft.Compute/" + remaining),
                Integer.toString(charge));
    }

    private Duration take(ArmPolicy policy) {
        ThrottleBudget.Reservation r = budget.reserve(SET, policy, LONG);
        assertTrue(r.granted());
        return r.delay();
    }

    private void drain(ArmPolicy policy, int n) {
        for (int i = 0; i < n; i++) {
            take(policy);
        }
    }
}
