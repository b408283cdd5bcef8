package io.vmssrunnerscaler.scaleset.azure;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local budget spreads a burst so that the fake, holding Compute's buckets, never throttles.
 * Both run Azure's algorithm on scaled-down limits (bucket 3, one token per 100 ms) so that the
 * test takes about a second instead of minutes. Connections are opened before each burst: at this
 * scale a cold TLS handshake (hundreds of ms) is longer than a refill interval and could make a
 * request arrive long after its token was reserved; against Azure's 6-15 s intervals it cannot.
 */
class AzureScaleSetBudgetTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    /**
     * Spacing added to a caller that had to wait: room for a request held up between its token and
     * the fake (a GC pause, a busy CI core). With 20 ms a 2-core CI machine once saw two 429s.
     */
    private static final Duration GUARD = Duration.ofMillis(50);
    private static final FakeBucket.Limit FAKE_LIMIT = new FakeBucket.Limit(3, 1, INTERVAL);
    private static final ThrottleBudget.Limit SAME_LIMIT = new ThrottleBudget.Limit(3, 1, INTERVAL);
    private static final int BURST = 12;
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    private ArmFixture f;

    @Test
    void aBurstOfListingsNeverMeetsA429() {
        var budget = ThrottleBudget.uniform(Clock.systemUTC(), SAME_LIMIT, GUARD, 1);
        f = ARM.start(FakeArmOptions.defaults().withUniformLimit(FAKE_LIMIT), 2, budget);
        warmUp(f, budget);
        int before = f.arm.counters().calls(FakeBucket.HIGH_COST_GET);
        long start = System.nanoTime();

        List<List<?>> all = burst(f, BURST);

        assertEquals(BURST, all.size());
        assertEquals(0, f.arm.counters().throttled(), "the budget made every call wait for a token");
        assertEquals(BURST, f.arm.counters().calls(FakeBucket.HIGH_COST_GET) - before);
        // 2 at once (one token is headroom), then one per interval and guard: spread, not sent together
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(INTERVAL.multipliedBy(BURST - 3)));
    }

    @Test
    void withoutABudgetTheSameBurstIsThrottled() {
        // The control: a budget far larger than the fake's buckets lets the burst through at once.
        var generous = ThrottleBudget.uniform(Clock.systemUTC(), new ThrottleBudget.Limit(1000, 1000, Duration.ofMillis(100)),
                Duration.ZERO, 0);
        f = ARM.start(FakeArmOptions.defaults().withUniformLimit(FAKE_LIMIT), 2,
                s -> s.withRetries(1, Duration.ofMillis(20), Duration.ofSeconds(5)), generous);

        Uni.join().all(lists(f, BURST)).andCollectFailures().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(20));

        assertThat(f.arm.counters().throttled(FakeBucket.HIGH_COST_GET), greaterThan(0));
    }

    @Test
    void capacityChangesAndReimagesShareTheUpdateBucket() {
        var budget = ThrottleBudget.uniform(Clock.systemUTC(), SAME_LIMIT, GUARD, 1);
        f = ARM.start(FakeArmOptions.defaults().withUniformLimit(FAKE_LIMIT)
                .withDelays(Duration.ofMillis(50), Duration.ofMillis(50)), 4, s -> s.withPollInterval(Duration.ofMillis(100)), budget);
        warmUp(f, budget);
        List<Uni<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writes.add(f.scaleSet.setCapacity(f.ref, 4));
            writes.add(f.scaleSet.reimage(f.ref, List.of(Integer.toString(i))));
        }

        Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(20));

        assertEquals(0, f.arm.counters().throttled());
        assertEquals(8, f.arm.counters().calls(FakeBucket.UPDATE_VMSS));
    }

    /** Opens a few connections, then waits for the bucket to refill. */
    private static void warmUp(ArmFixture f, ThrottleBudget budget) {
        burst(f, SAME_LIMIT.bucket());
        String key = ArmCall.key(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> budget.available(key, ArmPolicy.HIGH_COST_GET_VMSS) == SAME_LIMIT.bucket() - 1);
    }

    private static List<List<?>> burst(ArmFixture f, int n) {
        return Uni.join().all(lists(f, n)).andFailFast().await().atMost(Duration.ofSeconds(20));
    }

    private static List<Uni<List<?>>> lists(ArmFixture f, int n) {
        List<Uni<List<?>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(f.scaleSet.list(f.ref).map(l -> (List<?>) l));
        }
        return calls;
    }
}
