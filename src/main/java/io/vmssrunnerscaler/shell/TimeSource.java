package io.vmssrunnerscaler.shell;

import java.time.Duration;
import java.time.Instant;

/**
 * Time for the shell and the simulator: the wall clock in a running service, a virtual clock in
 * the benchmarks. Scheduled tasks must not block.
 */
public interface TimeSource {

    Instant now();

    /** Runs {@code task} once after {@code delay}. */
    void schedule(Duration delay, Runnable task);
}
