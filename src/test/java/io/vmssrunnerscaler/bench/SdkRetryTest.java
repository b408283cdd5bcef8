package io.vmssrunnerscaler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import io.vmssrunnerscaler.sim.ArmBucket;
import io.vmssrunnerscaler.sim.SimulatedThrottled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Azure SDK's default 429 handling as the original design got it: sleep Retry-After, 3 tries in all. */
class SdkRetryTest {
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    @Test
    void sleepsEachRetryAfterAndSucceedsOnTheThirdTry() {
        VirtualTimeSource time = new VirtualTimeSource(T0);
        List<Instant> tries = new ArrayList<>();
        SdkRetry sdk = new SdkRetry(time, SdkRetry.DEFAULT_TRIES);
        AtomicReference<Object> outcome = new AtomicReference<>();

        sdk.call(() -> throttledTimes(2, tries, time)).subscribe().with(outcome::set, outcome::set);
        time.runFor(Duration.ofMinutes(1));

        assertEquals("ok", outcome.get());
        assertEquals(List.of(T0, T0.plusSeconds(15), T0.plusSeconds(30)), tries);
        assertEquals(2, sdk.retries());
    }

    @Test
    void givesUpAfterThreeTries() {
        VirtualTimeSource time = new VirtualTimeSource(T0);
        List<Instant> tries = new ArrayList<>();
        SdkRetry sdk = new SdkRetry(time, SdkRetry.DEFAULT_TRIES);
        AtomicReference<Object> outcome = new AtomicReference<>();

        sdk.call(() -> throttledTimes(5, tries, time)).subscribe().with(outcome::set, outcome::set);
        time.runFor(Duration.ofMinutes(5));

        assertInstanceOf(SimulatedThrottled.class, outcome.get());
        assertEquals(3, tries.size());
    }

    /** Fails with a 429 (Retry-After 15 s) the first {@code n} times it is called for this test. */
    private static Uni<String> throttledTimes(int n, List<Instant> tries, VirtualTimeSource time) {
        tries.add(time.now());
        if (tries.size() <= n) {
            return Uni.createFrom().failure(new SimulatedThrottled("vmss", ArmBucket.DELETE_VMSS_VMS, Duration.ofSeconds(15)));
        }
        return Uni.createFrom().item("ok");
    }
}
