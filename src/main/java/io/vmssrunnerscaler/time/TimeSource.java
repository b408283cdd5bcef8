package io.vmssrunnerscaler.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time for the shell and the simulator: the wall clock in a running service, a virtual clock in
 * the benchmarks. Scheduled tasks must not block.
 */
public interface TimeSource {

    Instant now();

    /** Runs {@code task} once after {@code delay}. */
    void schedule(Duration delay, Runnable task);

    /** A {@link Clock} view of this time, for code that takes one (e.g. the ARM throttle budget). */
    default Clock asClock() {
        TimeSource source = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return source.now();
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }
}
