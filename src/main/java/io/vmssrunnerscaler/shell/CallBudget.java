package io.vmssrunnerscaler.shell;

import java.time.Duration;
import java.time.Instant;

/** At most {@code limit} calls per window (fixed windows). Used only from the reconcile pass. */
final class CallBudget {
    private final int limit;
    private final Duration window;
    private Instant windowStart = Instant.MIN;
    private int used;

    CallBudget(int limit, Duration window) {
        this.limit = limit;
        this.window = window;
    }

    /** Takes one call from the budget if any is left. */
    synchronized boolean tryTake(Instant now) {
        if (windowStart == Instant.MIN || !now.isBefore(windowStart.plus(window))) {
            windowStart = now;
            used = 0;
        }
        if (used >= limit) {
            return false;
        }
        used++;
        return true;
    }
}
