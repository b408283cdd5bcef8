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
    private final AtomicReference<OperationEnd> operationEnd = new AtomicReference<>();
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

    /**
     * How an accepted long-running operation ends when it does not succeed: Compute's operation
     * status {@code Failed} or {@code Canceled}, and the error it carries (the ARM RPC requires
     * {@code error} with either status).
     */
    record OperationEnd(String status, FakeArmError error) {
    }

    /** Operations accepted from now on end Failed with this ARM error code (null: succeed again). */
    public FakeFaults failOperations(String errorCode) {
        return failOperations(errorCode, "The operation failed.");
    }

    /** Operations accepted from now on end Failed with this ARM error (null code: succeed again). */
    public FakeFaults failOperations(String errorCode, String message) {
        return endOperations("Failed", errorCode, message);
    }

    /**
     * Operations accepted from now on end Canceled with this ARM error (null code: succeed again),
     * as Compute ends one that a later operation on the scale set preempted:
     * {@code OperationPreempted}, "Operation execution has been preempted by a more recent operation."
     * What it did to the instances is not documented; the fake takes the pessimistic view and
     * leaves them as a failed operation would.
     */
    public FakeFaults cancelOperations(String errorCode, String message) {
        return endOperations("Canceled", errorCode, message);
    }

    private FakeFaults endOperations(String status, String errorCode, String message) {
        operationEnd.set(errorCode == null ? null : new OperationEnd(status, new FakeArmError(400, errorCode, message)));
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
        operationEnd.set(null);
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

    /** How operations accepted now end if they do not succeed; null when they succeed. */
    OperationEnd operationEnd() {
        return operationEnd.get();
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
