package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        gate.blockUntil(NOW.plusSeconds(60), "a");
        gate.observe(ResponseHeaders.parse("0", String.valueOf(NOW.getEpochSecond() + 10), null, "b"));
        assertEquals(Duration.ofSeconds(60), gate.pending());
    }

    @Test
    void refusesAtOnceWhenTheBlockOutlastsTheWait() {
        gate.blockUntil(NOW.plusSeconds(600), "REQ:1");
        Throwable e = assertThrows(GitHubException.RateLimited.class,
                () -> gate.pass("GET /x", Duration.ofSeconds(60)).await().atMost(Duration.ofSeconds(1)));
        assertEquals(NOW.plusSeconds(600), assertInstanceOf(GitHubException.RateLimited.class, e).until());
        assertEquals("REQ:1", ((GitHubException) e).requestId());
    }
}
