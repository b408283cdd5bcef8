package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmssrunnerscaler.github.rest.GitHubException.RateLimited.Limit;
import io.vmssrunnerscaler.fakes.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {
    private static final Instant NOW = Instant.parse("2026-01-05T08:00:00Z");
    private final RateLimitGate gate = new RateLimitGate(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void blocksOnlyWhenNothingRemains() {
        gate.observe(ResponseHeaders.parse("1", String.valueOf(NOW.getEpochSecond() + 30), null, "a"));
        assertEquals(Duration.ZERO, gate.pending());
        gate.observe(ResponseHeaders.parse("0", String.valueOf(NOW.getEpochSecond() + 30), null, "b"));
        assertEquals(Duration.ofSeconds(30), gate.pending());
    }

    @Test
    void aLateAnswerDoesNotShortenTheBlock() {
        gate.blockUntil(NOW.plusSeconds(60), "a", Limit.PRIMARY);
        gate.observe(ResponseHeaders.parse("0", String.valueOf(NOW.getEpochSecond() + 10), null, "b"));
        assertEquals(Duration.ofSeconds(60), gate.pending());
    }

    @Test
    void refusesAtOnceWhenTheBlockOutlastsTheWait() {
        gate.blockUntil(NOW.plusSeconds(600), "REQ:1", Limit.PRIMARY);
        Throwable e = assertThrows(GitHubException.RateLimited.class,
                () -> gate.pass("GET /x", Duration.ofSeconds(60)).await().atMost(Duration.ofSeconds(1)));
        assertEquals(NOW.plusSeconds(600), assertInstanceOf(GitHubException.RateLimited.class, e).until());
        assertEquals("REQ:1", ((GitHubException) e).requestId());
    }

    @Test
    void aSecondaryLimitWaitsAMinuteDoublingToFifteen() {
        assertEquals(Duration.ofMinutes(1), RateLimitGate.secondaryWait(1));
        assertEquals(Duration.ofMinutes(2), RateLimitGate.secondaryWait(2));
        assertEquals(Duration.ofMinutes(8), RateLimitGate.secondaryWait(4));
        assertEquals(Duration.ofMinutes(15), RateLimitGate.secondaryWait(5));
        assertEquals(Duration.ofMinutes(15), RateLimitGate.secondaryWait(40));
    }

    @Test
    void answersToCallsSentBeforeTheGateClosedAreOneLimitNotARow() {
        MutableClock clock = new MutableClock();
        RateLimitGate shared = new RateLimitGate(clock);
        Instant start = clock.instant();

        assertEquals(start.plusSeconds(60), shared.close(secondary(start)));
        assertEquals(start.plusSeconds(60), shared.close(secondary(start)), "in flight when it closed: the same limit");
        shared.succeeded(); // an answer in flight too: the gate is still closed, the row goes on

        clock.advance(Duration.ofSeconds(60));
        assertEquals(clock.instant().plusSeconds(120), shared.close(secondary(clock.instant())), "the next in a row");

        clock.advance(Duration.ofSeconds(120));
        shared.succeeded();
        assertEquals(clock.instant().plusSeconds(60), shared.close(secondary(clock.instant())), "a success ended the row");
    }

    private static GitHubException.RateLimited secondary(Instant now) {
        return new GitHubException.RateLimited("GET /x", 403, "R", now.plus(ErrorTranslator.DEFAULT_THROTTLE), Limit.SECONDARY);
    }
}
