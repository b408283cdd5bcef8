package io.vmssrunnerscaler.sim;

import java.time.Duration;

/** The simulated Azure's 429 {@code OperationNotAllowed}: a throttling bucket of the scale set is empty. */
public final class SimulatedThrottled extends RuntimeException {
    private final ArmBucket bucket;
    private final Duration retryAfter;

    public SimulatedThrottled(String scaleSet, ArmBucket bucket, Duration retryAfter) {
        super("OperationNotAllowed: too many requests for Microsoft.Compute/" + bucket.azureName() + " on scale set "
                + scaleSet + "; Retry-After " + retryAfter.toSeconds() + " s");
        this.bucket = bucket;
        this.retryAfter = retryAfter;
    }

    public ArmBucket bucket() {
        return bucket;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
