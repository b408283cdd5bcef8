package io.vmssrunnerscaler.fakes.arm;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Switches for fault injection. Counted faults apply to the next N requests they concern, then
 * stop by themselves; {@link #clear()} switches everything off.
 */
public final class FakeFaults {
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicReference<Duration> throttleRetryAfter = new AtomicReference<>(Duration.ofSeconds(1));
    private final AtomicInteger delays = new AtomicInteger();
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<FakeArmError> operationFailure = new AtomicReference<>();
    private final AtomicReference<FakeRefusal> refusal = new AtomicReference<>();
    private final AtomicReference<FakeRefusal.Delivery> refusalDelivery = new AtomicReference<>(FakeRefusal.Delivery.SYNC);

    /** The next {@code n} scale-set requests (not operation polls) answer 500 InternalExecutionError. */
    public FakeFaults failNext(int n) {
        failures.set(n);
        return this;
    }

    /** The next {@code n} scale-set requests answer 429 OperationNotAllowed with this Retry-After. */
    public FakeFaults throttleNext(int n, Duration retryAfter) {
        throttleRetryAfter.set(retryAfter);
        throttles.set(n);
        return this;
    }

    /** Every scale-set request answers 429 with this Retry-After until cleared. */
    public FakeFaults throttleAlways(Duration retryAfter) {
        return throttleNext(Integer.MAX_VALUE, retryAfter);
    }

    /** The next {@code n} responses (of any request) are sent only after {@code d}. */
    public FakeFaults delayNext(int n, Duration d) {
        delay.set(d);
        delays.set(n);
        return this;
    }

    /** Every response is sent only after {@code d} until cleared. */
    public FakeFaults delayAlways(Duration d) {
        return delayNext(Integer.MAX_VALUE, d);
    }

    /** Operations accepted from now on end Failed with this ARM error code (null: succeed again). */
    public FakeFaults failOperations(String errorCode) {
        operationFailure.set(errorCode == null ? null : new FakeArmError(400, errorCode, "The operation failed."));
        return this;
    }

    /**
     * Capacity PATCHes that add instances are refused this way from now on, until cleared (null
     * stops). Capacity stays as it was; lowering capacity still works, as with Azure.
     */
    public FakeFaults refuseCapacity(FakeRefusal r, FakeRefusal.Delivery delivery) {
        refusalDelivery.set(delivery);
        refusal.set(r);
        return this;
    }

    public FakeFaults clear() {
        failures.set(0);
        throttles.set(0);
        delays.set(0);
        operationFailure.set(null);
        refusal.set(null);
        return this;
    }

    boolean takeFailure() {
        return takeOne(failures);
    }

    /** The Retry-After of an injected 429 for this request, or null. */
    Duration takeThrottle() {
        return takeOne(throttles) ? throttleRetryAfter.get() : null;
    }

    Duration takeDelay() {
        return takeOne(delays) ? delay.get() : Duration.ZERO;
    }

    FakeArmError operationFailure() {
        return operationFailure.get();
    }

    FakeRefusal refusal() {
        return refusal.get();
    }

    FakeRefusal.Delivery refusalDelivery() {
        return refusalDelivery.get();
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0;
    }
}
