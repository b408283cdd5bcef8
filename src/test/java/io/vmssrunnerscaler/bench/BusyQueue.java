package io.vmssrunnerscaler.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The baseline's storage queue of busy runners: one message per job start, expiring after a time
 * to live (the seed used 1 hour), deleted at the job's end. Its count is the queue's approximate
 * message count: expired messages no longer count.
 */
final class BusyQueue {
    private final Duration ttl;
    private final Map<String, Instant> expiry = new HashMap<>();

    BusyQueue(Duration ttl) {
        this.ttl = ttl;
    }

    void add(String runner, Instant now) {
        expiry.put(runner, now.plus(ttl));
    }

    void delete(String runner) {
        expiry.remove(runner);
    }

    int count(Instant now) {
        expiry.values().removeIf(at -> !at.isAfter(now));
        return expiry.size();
    }
}
