package io.vmssrunnerscaler.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * What a scale set's call budget allows now for one kind of call: whole tokens usable at once, and
 * when the next token is free. Kinds of call that share one of Azure's buckets (a capacity change
 * and a set-level re-image both spend Update VMSS) report the same {@code bucket}, so that whoever
 * spends a token can see that the other kind lost it too.
 *
 * @param bucket    the name of the bucket the call is charged to (Azure's policy name), or "" when none
 * @param tokens    calls that may go out now without waiting
 * @param nextToken when a call could go out if {@code tokens} is 0 (at or before now otherwise)
 */
public record CallAllowance(String bucket, int tokens, Instant nextToken) {
    /** Where nothing is counted (the simulator without a local budget, a drain at GitHub). */
    public static final CallAllowance UNLIMITED = new CallAllowance("", Integer.MAX_VALUE, Instant.MIN);

    public CallAllowance {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(nextToken, "nextToken");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0: " + tokens);
        }
    }

    public boolean allowsNow() {
        return tokens > 0;
    }

    /** The same allowance after one call was charged to it. */
    public CallAllowance spendOne() {
        return tokens == Integer.MAX_VALUE ? this : new CallAllowance(bucket, tokens - 1, nextToken);
    }
}
