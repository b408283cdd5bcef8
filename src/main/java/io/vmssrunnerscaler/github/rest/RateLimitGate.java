package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds calls back while GitHub's limit for one credential is used up: learned from
 * {@code x-ratelimit-remaining: 0} on any answer, or from a rate-limit answer. Sending anyway
 * would only earn more 403s and, repeated, a ban of the integration.
 */
final class RateLimitGate {
    private record Block(Instant until, String requestId) {}

    private final Clock clock;
    private final AtomicReference<Block> block = new AtomicReference<>(new Block(Instant.EPOCH, null));

    RateLimitGate(Clock clock) {
        this.clock = clock;
    }

    /** Learns from an answer's headers. Only ever extends the block: answers may arrive out of order. */
    void observe(ResponseHeaders headers) {
        if (headers.exhausted()) {
            blockUntil(headers.reset(), headers.requestId());
        }
    }

    void blockUntil(Instant until, String requestId) {
        Block next = new Block(until, requestId);
        block.accumulateAndGet(next, (current, b) -> b.until().isAfter(current.until()) ? b : current);
    }

    /** How long from now nothing may be sent. */
    Duration pending() {
        Duration wait = Duration.between(clock.instant(), block.get().until());
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /**
     * Completes when a call may be sent: at once, or after the block passed. Fails with
     * {@link GitHubException.RateLimited} when that is further away than {@code maxWait}.
     */
    Uni<Void> pass(String call, Duration maxWait) {
        return Uni.createFrom().deferred(() -> {
            Duration wait = pending();
            if (wait.isZero()) {
                return Uni.createFrom().voidItem();
            }
            Block b = block.get();
            if (wait.compareTo(maxWait) > 0) {
                return Uni.createFrom().failure(new GitHubException.RateLimited(call, 0, b.requestId(), b.until()));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        });
    }
}
