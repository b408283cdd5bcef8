package io.vmssrunnerscaler.busy.queue;

import java.time.Instant;

/**
 * What the store last saw of the queue, for a readiness check that must not call out itself.
 *
 * @param state       {@code UNKNOWN} until the first call, then the outcome of the latest request
 * @param lastSuccess when a request last succeeded, or null
 * @param lastFailure when a request last failed, or null
 * @param reason      why the latest failure happened (no secrets), or null
 */
public record QueueStatus(State state, Instant lastSuccess, Instant lastFailure, String reason) {

    public enum State { UNKNOWN, UP, DOWN }

    static QueueStatus unknown() {
        return new QueueStatus(State.UNKNOWN, null, null, null);
    }

    /** Not known to be down: a store that has not been used yet does not hold readiness back. */
    public boolean healthy() {
        return state != State.DOWN;
    }

    QueueStatus succeeded(Instant at) {
        return new QueueStatus(State.UP, at, lastFailure, reason);
    }

    QueueStatus failed(Instant at, String why) {
        return new QueueStatus(State.DOWN, lastSuccess, at, why);
    }
}
