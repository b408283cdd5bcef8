package io.vmssrunnerscaler.busy.queue;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Tunables of {@link QueueBusyStore}. Holds no secret, so it may be logged.
 *
 * @param queueName      the queue holding one message per busy runner (3-63 of a-z, 0-9, '-')
 * @param attemptTimeout the longest one HTTP request may take before it counts as failed
 * @param maxRetries     retries of a failed request within one call, with exponential back-off
 * @param firstBackoff   the pause before the first retry; it doubles up to {@code maxBackoff}
 * @param maxBackoff     the longest pause between retries; a longer Retry-After gives up instead
 * @param callDeadline   the longest a markBusy / clearBusy may take, retries included
 * @param loadDeadline   the longest loadAll may take (it reads the whole queue)
 * @param loadVisibility how long loadAll hides each message it read from other readers; it must
 *                       exceed the time between two of its reads (Azure allows 1 s at least)
 */
public record QueueStoreSettings(
        String queueName,
        Duration attemptTimeout,
        int maxRetries,
        Duration firstBackoff,
        Duration maxBackoff,
        Duration callDeadline,
        Duration loadDeadline,
        Duration loadVisibility) {

    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

    public QueueStoreSettings {
        Objects.requireNonNull(queueName, "queueName");
        if (!QUEUE_NAME.matcher(queueName).matches()) {
            throw new IllegalArgumentException("invalid queue name '" + queueName
                    + "': 3-63 lower-case letters, digits and single hyphens, starting and ending alphanumeric");
        }
        positive("attemptTimeout", attemptTimeout);
        positive("firstBackoff", firstBackoff);
        positive("maxBackoff", maxBackoff);
        positive("callDeadline", callDeadline);
        positive("loadDeadline", loadDeadline);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
        if (loadVisibility == null || loadVisibility.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("loadVisibility must be at least 1s (the queue's minimum)");
        }
    }

    /**
     * Defaults for a queue in the same region: a call gives up after 10 s, loadAll after 2 min.
     * loadAll hides what it read for only 3 s, so that a scaler restarted right after it still sees
     * every marker, and another reader waits at most that long for a fresh pop receipt.
     */
    public static QueueStoreSettings defaults(String queueName) {
        return new QueueStoreSettings(queueName, Duration.ofSeconds(3), 4, Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(3));
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }
}
