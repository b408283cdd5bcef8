package io.vmssrunnerscaler.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Wall-clock time. All scheduled tasks run on one daemon thread, which also makes the simulator,
 * whose state is only touched from such tasks, single-threaded.
 */
public final class SystemTimeSource implements TimeSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SystemTimeSource.class);
    private final Clock clock;
    private final ScheduledExecutorService timer;

    public SystemTimeSource(Clock clock, String threadName) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        if (timer.isShutdown()) {
            return;
        }
        timer.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("scheduled task failed", e);
            }
        }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
