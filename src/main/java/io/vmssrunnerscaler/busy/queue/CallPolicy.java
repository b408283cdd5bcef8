package io.vmssrunnerscaler.busy.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * How one request to the queue is made: a timeout per attempt, errors translated, transient ones
 * retried with exponential back-off (a bounded number of times; beyond that the caller re-drives),
 * and every outcome recorded in {@link QueueHealth}.
 */
final class CallPolicy {
    private static final Duration BACKSTOP_GRACE = Duration.ofMillis(250);
    private final QueueStoreSettings settings;
    private final QueueHealth health;

    CallPolicy(QueueStoreSettings settings, QueueHealth health) {
        this.settings = settings;
        this.health = health;
    }

    <T> Mono<T> call(Supplier<Mono<T>> attempt) {
        return call(attempt, settings.maxRetries());
    }

    <T> Mono<T> call(Supplier<Mono<T>> attempt, int maxRetries) {
        return Mono.defer(attempt)
                // The HTTP client's own response timeout (QueueConnection) should end a silent request;
                // this backstop also covers connecting and the client build.
                .timeout(settings.attemptTimeout().plus(BACKSTOP_GRACE))
                .onErrorMap(QueueErrors::translate)
                .doOnSuccess(ignored -> health.success())
                .doOnError(e -> health.failure((QueueStoreException) e))
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
                    Throwable failure = signal.failure();
                    Duration pause = pauseBefore(signal.totalRetries(), maxRetries, (QueueStoreException) failure);
                    return pause == null ? Mono.error(failure) : Mono.delay(pause);
                })));
    }

    /** Bounds a whole store call, retries and receipt refreshes included. */
    <T> Mono<T> within(Duration deadline, Mono<T> call) {
        return call.timeout(deadline, Mono.error(() -> {
            QueueStoreException late = new QueueStoreException.Transient(
                    "no success within the deadline of " + deadline.toMillis() + " ms", null);
            health.failure(late);
            return late;
        }));
    }

    /** The pause before retry number {@code retries + 1}, or null to give up. */
    private Duration pauseBefore(long retries, int maxRetries, QueueStoreException failure) {
        if (!failure.retryable() || retries >= maxRetries) {
            return null;
        }
        long cap = settings.maxBackoff().toMillis();
        long exponential = settings.firstBackoff().toMillis() << Math.min(retries, 20);
        long base = Math.min(cap, exponential);
        // Jitter spreads the retries of many runners' writes after a shared outage.
        long pause = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        if (failure instanceof QueueStoreException.Throttled throttled) {
            long asked = throttled.retryAfter().toMillis();
            if (asked > cap) {
                return null; // the service wants a longer pause than a call may take: let the caller re-drive
            }
            pause = Math.max(pause, asked);
        }
        return Duration.ofMillis(pause);
    }
}
