package io.vmssrunnerscaler.busy.queue;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/** Records the outcome of every request so that {@link QueueStatus} is always current and free to read. */
final class QueueHealth {
    private final Clock clock;
    private final AtomicReference<QueueStatus> status = new AtomicReference<>(QueueStatus.unknown());

    QueueHealth(Clock clock) {
        this.clock = clock;
    }

    QueueStatus status() {
        return status.get();
    }

    void success() {
        status.updateAndGet(s -> s.succeeded(clock.instant()));
    }

    void failure(QueueStoreException error) {
        String why = error.getClass().getSimpleName() + ": " + error.getMessage();
        status.updateAndGet(s -> s.failed(clock.instant(), why));
    }
}
