package io.vmssrunnerscaler.fakes.arm;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Another caller spending the same scale set's Compute budget: a second tool, a person in the
 * portal, Azure's own autoscale. Its calls are not sent over HTTP; it takes tokens from the fake's
 * buckets (both windows) directly, and only whole tokens that are there, as a caller that is
 * never throttled would.
 */
public final class FakeCoTenant {
    private final FakeArm arm;
    private final String key;

    FakeCoTenant(FakeArm arm, String key) {
        this.arm = arm;
        this.key = key;
    }

    /** Spends up to {@code tokens} of this bucket now; returns how many it could. */
    public int spend(FakeBucket bucket, int tokens) {
        return arm.coTenantSpend(key, bucket, tokens);
    }

    /**
     * Spends up to {@code tokens} of this bucket after {@code first}, then every {@code every}, until
     * the returned handle is closed.
     */
    public AutoCloseable drain(FakeBucket bucket, int tokens, Duration first, Duration every) {
        ScheduledFuture<?> f = arm.repeat(() -> spend(bucket, tokens), first.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
