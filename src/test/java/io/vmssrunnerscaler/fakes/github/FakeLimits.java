package io.vmssrunnerscaler.fakes.github;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fake's primary rate limit (one bucket for the installation or token, like GitHub's
 * {@code core} resource) and the failures a test asks for: throttling answers (secondary limits,
 * with or without {@code retry-after} and {@code x-ratelimit-*}), error answers and slow answers,
 * each for the next N matching calls.
 */
final class FakeLimits {
    enum Kind { THROTTLE, FAIL, DELAY }

    /**
     * One requested misbehaviour; {@code route} null matches every route. {@code duration} is the
     * {@code retry-after} of a throttling answer (null: none) or the delay of a slow one;
     * {@code message} the error's text (null: the kind's usual one); {@code rateLimitHeaders}
     * whether the answer carries {@code x-ratelimit-*}.
     */
    static final class Injection {
        final Kind kind;
        final String route;
        final int status;
        final Duration duration;
        final String message;
        final boolean rateLimitHeaders;
        int remaining;

        Injection(Kind kind, String route, int count, int status, Duration duration) {
            this(kind, route, count, status, duration, null, true);
        }

        Injection(Kind kind, String route, int count, int status, Duration duration, String message,
                boolean rateLimitHeaders) {
            this.kind = kind;
            this.route = route;
            this.remaining = count;
            this.status = status;
            this.duration = duration;
            this.message = message;
            this.rateLimitHeaders = rateLimitHeaders;
        }
    }

    private int limit = 5000;
    private Duration window = Duration.ofHours(1);
    private int used;
    private Instant reset;
    private final List<Injection> injections = new ArrayList<>();

    synchronized void primary(int newLimit, Duration newWindow) {
        limit = newLimit;
        window = newWindow;
        used = 0;
        reset = null;
    }

    /** Someone else used the whole budget (another tool on the same token). */
    synchronized void exhaust(Instant now) {
        roll(now);
        used = limit;
    }

    synchronized boolean exhausted(Instant now) {
        roll(now);
        return used >= limit;
    }

    synchronized void consume(Instant now) {
        roll(now);
        used++;
    }

    synchronized int limit() {
        return limit;
    }

    synchronized int used(Instant now) {
        roll(now);
        return used;
    }

    synchronized Instant reset(Instant now) {
        roll(now);
        return reset;
    }

    synchronized void inject(Kind kind, String route, int count, int status, Duration duration) {
        injections.add(new Injection(kind, route, count, status, duration));
    }

    synchronized void inject(Injection injection) {
        injections.add(injection);
    }

    /** Takes one use of the first injection of that kind for this route or for any route. */
    synchronized Optional<Injection> take(Kind kind, String route) {
        return take(kind, route, true);
    }

    /** Takes one use of the first injection of that kind naming this route. */
    synchronized Optional<Injection> takeNamed(Kind kind, String route) {
        return take(kind, route, false);
    }

    private Optional<Injection> take(Kind kind, String route, boolean orAny) {
        for (Injection i : injections) {
            if (i.kind == kind && i.remaining > 0 && ((orAny && i.route == null) || route.equals(i.route))) {
                i.remaining--;
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** A new window starts at the first call after the reset; the reset is a whole epoch second, as on the wire. */
    private void roll(Instant now) {
        if (reset == null || !now.isBefore(reset)) {
            used = 0;
            Instant end = now.plus(window);
            reset = Instant.ofEpochSecond(end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0));
        }
    }
}
