package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.rest.GitHubException.RateLimited.Limit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Holds calls back while GitHub limits one credential: learned from {@code x-ratelimit-remaining: 0}
 * on any answer, or from a rate-limit answer. Sending anyway would only earn more refusals and,
 * repeated, a ban of the integration. A secondary limit that names no end closes the gate for
 * {@link ErrorTranslator#DEFAULT_THROTTLE}, doubled for each one that follows without a success in
 * between, at most {@link #MAX_SECONDARY_WAIT} (GitHub: "wait at least one minute", then "an
 * exponentially increasing amount of time").
 */
final class RateLimitGate {
    /** The longest a repeated secondary limit closes the gate: a minute doubled four times, capped. */
    static final Duration MAX_SECONDARY_WAIT = Duration.ofMinutes(15);

    private record Block(Instant until, String requestId, Limit limit) {}

    private final Clock clock;
    // Guarded by this; calls are few (one per GitHub call), so a lock costs nothing that matters.
    private Block block = new Block(Instant.EPOCH, null, Limit.PRIMARY);
    private int secondaryInARow;

    RateLimitGate(Clock clock) {
        this.clock = clock;
    }

    /** Learns from an answer's headers. Only ever extends the block: answers may arrive out of order. */
    void observe(ResponseHeaders headers) {
        if (headers.exhausted()) {
            blockUntil(headers.reset(), headers.requestId(), Limit.PRIMARY);
        }
    }

    /**
     * Closes the gate for a rate-limit answer and returns until when. A secondary limit that names no
     * end waits the back-off of its place in the row; answers to calls already sent when the gate
     * closed are the same limit, not the next one in the row.
     */
    synchronized Instant close(GitHubException.RateLimited limited) {
        Instant now = clock.instant();
        Instant until = limited.until();
        if (limited.limit() != Limit.PRIMARY) {
            boolean sameLimit = block.limit() != Limit.PRIMARY && now.isBefore(block.until());
            if (!sameLimit) {
                secondaryInARow++;
            }
            if (limited.limit() == Limit.SECONDARY) {
                Instant backedOff = now.plus(secondaryWait(secondaryInARow));
                until = backedOff.isAfter(until) ? backedOff : until;
            }
        }
        blockUntil(until, limited.requestId(), limited.limit());
        return block.until();
    }

    /** A 2xx answer while the gate is open ends a row of secondary limits. */
    synchronized void succeeded() {
        if (!clock.instant().isBefore(block.until())) {
            secondaryInARow = 0;
        }
    }

    synchronized void blockUntil(Instant until, String requestId, Limit limit) {
        if (until.isAfter(block.until())) {
            block = new Block(until, requestId, limit);
        }
    }

    /** The wait after the {@code n}th secondary limit in a row that named no end. */
    static Duration secondaryWait(int n) {
        Duration wait = ErrorTranslator.DEFAULT_THROTTLE.multipliedBy(1L << Math.min(Math.max(n, 1) - 1, 10));
        return wait.compareTo(MAX_SECONDARY_WAIT) > 0 ? MAX_SECONDARY_WAIT : wait;
    }

    /** How long from now nothing may be sent. */
    synchronized Duration pending() {
        Duration wait = Duration.between(clock.instant(), block.until());
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /**
     * Completes when a call may be sent: at once, or after the block passed. Fails with
     * {@link GitHubException.RateLimited} when that is further away than {@code maxWait}.
     */
    Uni<Void> pass(String call, Duration maxWait) {
        return Uni.createFrom().deferred(() -> {
            Block b;
            Duration wait;
            synchronized (this) {
                b = block;
                wait = pending();
            }
            if (wait.isZero()) {
                return Uni.createFrom().voidItem();
            }
            if (wait.compareTo(maxWait) > 0) {
                return Uni.createFrom().failure(new GitHubException.RateLimited(call, 0, b.requestId(), b.until(), b.limit()));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        });
    }
}
