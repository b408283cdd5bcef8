package io.vmssrunnerscaler.scaleset.azure;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions.Charge;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions.HeaderFormat;
import io.vmssrunnerscaler.fakes.arm.FakeBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adapter follows Azure's own budget figures, through the real SDK against the fake ARM: a
 * co-tenant spending the scale set's budget and batches charged more than one token cause no 429,
 * in both header shapes; without the headers (the control) the same calls are throttled. Azure's
 * bucket of 12 with one token per 100 ms instead of 15 s, so that a test takes a second or two.
 * Calls go one after another, as the shell sends them (one call per bucket in flight). The
 * co-tenant spends the listing bucket: listings are fast enough here to outrun its refill.
 */
class AzureScaleSetAzureFiguresTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration GUARD = Duration.ofMillis(50);
    private static final FakeBucket.Limit FAKE_LIMIT = new FakeBucket.Limit(12, 1, INTERVAL);
    private static final ThrottleBudget.Limit SAME_LIMIT = new ThrottleBudget.Limit(12, 1, INTERVAL);
    private static final String KEY = ArmCall.key(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME);
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    private ArmFixture f;

    @ParameterizedTest
    @EnumSource(value = HeaderFormat.class, names = {"SEPARATE", "JOINED"})
    void aCoTenantThatSpentTheBucketCausesNo429(HeaderFormat format) {
        f = start(options(format), 4);
        f.arm.coTenant(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME).spend(FakeBucket.HIGH_COST_GET, 11);

        listOneAfterAnother(12);

        assertEquals(0, f.arm.counters().throttled(), "the fake ARM answered 429");
        assertThat(f.budget.lowered(ArmPolicy.HIGH_COST_GET_VMSS), greaterThan(0L));
    }

    @ParameterizedTest
    @EnumSource(value = HeaderFormat.class, names = {"SEPARATE", "JOINED"})
    void aCoTenantDrainingSteadilyCausesNo429(HeaderFormat format) throws Exception {
        f = start(options(format), 4);
        var coTenant = f.arm.coTenant(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME);
        coTenant.spend(FakeBucket.HIGH_COST_GET, 8);

        try (AutoCloseable drain = coTenant.drain(FakeBucket.HIGH_COST_GET, 1, Duration.ofMillis(500), Duration.ofMillis(500))) {
            listOneAfterAnother(20);
        }

        assertEquals(0, f.arm.counters().throttled(), "the fake ARM answered 429");
        assertThat(f.arm.counters().coTenantSpent(FakeBucket.HIGH_COST_GET), greaterThan(8));
    }

    @Test
    void withoutTheHeadersTheCoTenantCauses429s() {
        f = start(options(HeaderFormat.NONE), 4);
        f.arm.coTenant(ArmFixture.SUBSCRIPTION, ArmFixture.RESOURCE_GROUP, ArmFixture.NAME).spend(FakeBucket.HIGH_COST_GET, 11);

        listOneAfterAnother(12);

        assertThat(f.arm.counters().throttled(FakeBucket.HIGH_COST_GET), greaterThan(0));
        assertEquals(0, f.budget.lowered(ArmPolicy.HIGH_COST_GET_VMSS));
    }

    static Stream<Arguments> chargesAndFormats() {
        return Stream.of(HeaderFormat.SEPARATE, HeaderFormat.JOINED).flatMap(format -> Stream.of(
                Arguments.of(format, Charge.perInstanceId(), 3, 3),
                Arguments.of(format, Charge.perCall(4), 1, 4)));
    }

    @ParameterizedTest(name = "{0}, {1}, {2} ids a call")
    @MethodSource("chargesAndFormats")
    void batchesChargedMoreThanOneTokenCauseNo429(HeaderFormat format, Charge charge, int idsPerCall, int tokensPerCall) {
        f = start(options(format).withCharge(charge), 6);
        int calls = 8;

        reimageOneAfterAnother(calls, idsPerCall);

        assertEquals(0, f.arm.counters().throttled(), "the fake ARM answered 429");
        assertEquals(calls * tokensPerCall, f.arm.counters().charged(FakeBucket.UPDATE_VMSS));
        assertEquals(calls * (tokensPerCall - 1L), f.budget.extraCharged(ArmPolicy.UPDATE_VMSS));
    }

    @Test
    void withoutTheHeadersChargesPerInstanceIdCause429s() {
        f = start(options(HeaderFormat.NONE).withCharge(Charge.perInstanceId()), 6);

        reimageOneAfterAnother(8, 3);

        assertThat(f.arm.counters().throttled(FakeBucket.UPDATE_VMSS), greaterThan(0));
    }

    @Test
    void theFakeEnforcesTheLongWindowAndReportsIt() {
        // a generous local budget, and a long window of 5 that refills slowly: the 6th listing is refused
        var generous = ThrottleBudget.uniform(Clock.systemUTC(), new ThrottleBudget.Limit(1000, 1000, INTERVAL), Duration.ZERO, 0);
        f = ARM.start(options(HeaderFormat.JOINED).withUniformLongLimit(new FakeBucket.Limit(5, 1, Duration.ofMinutes(1))), 1,
                s -> s.withRetries(1, Duration.ofMillis(20), Duration.ofSeconds(5)), generous);

        for (int i = 0; i < 5; i++) {
            f.scaleSet.list(f.ref).await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(0, f.arm.counters().throttled());
        org.junit.jupiter.api.Assertions.assertThrows(ScaleSetException.Throttled.class,
                () -> f.scaleSet.list(f.ref).await().atMost(Duration.ofSeconds(10)));

        assertEquals(1, f.arm.counters().throttled(FakeBucket.HIGH_COST_GET));
        // Azure's bucket of 1000 was lowered to the long window's figure: the adapter saw "...30Min;0"
        assertEquals(0, f.budget.available(KEY, ArmPolicy.HIGH_COST_GET_VMSS));
    }

    private static FakeArmOptions options(HeaderFormat format) {
        return FakeArmOptions.defaults().withUniformLimit(FAKE_LIMIT).withHeaderFormat(format)
                .withDelays(Duration.ofMillis(10), Duration.ofMillis(10));
    }

    private ArmFixture start(FakeArmOptions fake, int capacity) {
        var budget = ThrottleBudget.uniform(Clock.systemUTC(), SAME_LIMIT, GUARD, 1);
        ArmFixture fixture = ARM.start(fake, capacity, s -> s.withPollInterval(Duration.ofMillis(10)), budget);
        // open connections first (a cold TLS handshake is longer than a refill interval here), then let the buckets fill
        fixture.scaleSet.list(fixture.ref).await().atMost(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available(KEY, ArmPolicy.HIGH_COST_GET_VMSS) == 11);
        return fixture;
    }

    private void listOneAfterAnother(int calls) {
        for (int i = 0; i < calls; i++) {
            f.scaleSet.list(f.ref).await().atMost(Duration.ofSeconds(20));
        }
    }

    /** {@code calls} re-images one after another, each of {@code ids} instances (0, 1, ... in turn). */
    private void reimageOneAfterAnother(int calls, int ids) {
        int size = f.fakeSet.instances().size();
        for (int i = 0; i < calls; i++) {
            int first = i * ids;
            List<String> batch = java.util.stream.IntStream.range(first, first + ids).mapToObj(n -> Integer.toString(n % size)).toList();
            f.scaleSet.reimage(f.ref, batch).await().atMost(Duration.ofSeconds(20));
        }
    }
}
