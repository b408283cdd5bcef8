package io.vmssrunnerscaler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.intake.AttestationNonces.Issue;
import io.vmssrunnerscaler.intake.AttestationNonces.Limits;
import io.vmssrunnerscaler.intake.AttestationNonces.Use;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nonces for attested documents: once, for one runner, in time; bounded under a flood. */
class AttestationNoncesTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(2);

    @Test
    void aNonceIsUsedOnceForTheRunnerItWasIssuedFor() {
        AttestationNonces nonces = new AttestationNonces(Limits.defaults(TTL, 30));
        String nonce = issued(nonces.issue("linux000001", "10.0.0.5", T0));
        assertTrue(nonce.matches("[A-Za-z0-9]{32}"), "IMDS takes up to 32 alphanumerics: " + nonce.length());

        assertEquals(Use.OTHER_RUNNER, nonces.use(nonce, "linux000002", T0), "a sibling naming another runner");
        assertEquals(Use.ACCEPTED, nonces.use(nonce, "LINUX000001", T0.plusSeconds(5)),
                "the sibling's try did not burn the rightful VM's nonce; names are case-insensitive");
        assertEquals(Use.UNKNOWN, nonces.use(nonce, "linux000001", T0.plusSeconds(6)), "a replay");
        assertEquals(Use.UNKNOWN, nonces.use("notissuedhere", "linux000001", T0));
        assertEquals(Use.UNKNOWN, nonces.use(null, "linux000001", T0));
    }

    @Test
    void aNonceExpiresAfterItsTtl() {
        AttestationNonces nonces = new AttestationNonces(Limits.defaults(TTL, 30));
        Issue.Issued issue = (Issue.Issued) nonces.issue("linux000001", "10.0.0.5", T0);
        assertEquals(T0.plus(TTL), issue.expiresAt());
        assertEquals(Use.EXPIRED, nonces.use(issue.nonce(), "linux000001", T0.plus(TTL)));
        assertEquals(Use.UNKNOWN, nonces.use(issue.nonce(), "linux000001", T0.plus(TTL)), "used up by the late try");
    }

    @Test
    void noncesAreUnpredictable() {
        AttestationNonces nonces = new AttestationNonces(new Limits(TTL, 1000, 1000, Duration.ofMillis(1), 10));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(issued(nonces.issue("linux000001", "10.0.0.5", T0)));
        }
        assertEquals(500, seen.size());
    }

    @Test
    void oneSourceGetsABurstThenOneNoncePerInterval() {
        AttestationNonces nonces = new AttestationNonces(new Limits(TTL, 1000, 3, Duration.ofSeconds(2), 100));
        for (int i = 0; i < 3; i++) {
            issued(nonces.issue("linux000001", "10.0.0.66", T0));
        }
        Issue refused = nonces.issue("linux000001", "10.0.0.66", T0);
        assertEquals(Duration.ofSeconds(2), assertInstanceOf(Issue.RateLimited.class, refused).retryAfter());
        issued(nonces.issue("linux000002", "10.0.0.7", T0)); // another source is not held back
        assertInstanceOf(Issue.RateLimited.class, nonces.issue("linux000001", "10.0.0.66", T0.plusSeconds(1)));
        issued(nonces.issue("linux000001", "10.0.0.66", T0.plusSeconds(3)));
    }

    @Test
    void aFloodIsBoundedInNoncesAndInSourcesAndExpiredOnesMakeRoom() {
        Limits limits = new Limits(TTL, 50, 10, Duration.ofSeconds(1), 20);
        AttestationNonces nonces = new AttestationNonces(limits);
        int issued = 0;
        int full = 0;
        for (int source = 0; source < 1000; source++) {
            Issue issue = nonces.issue("linux000001", "10.1." + source / 250 + "." + source % 250, T0);
            if (issue instanceof Issue.Issued) {
                issued++;
            } else {
                assertInstanceOf(Issue.Full.class, issue);
                full++;
            }
        }
        assertEquals(50, issued);
        assertEquals(950, full);
        assertEquals(50, nonces.outstanding());
        assertEquals(20, nonces.trackedSources(), "the least recently seen sources are forgotten");

        String used = issued(nonces.issue("linux000009", "10.9.9.9", T0.plus(TTL)));
        assertEquals(1, nonces.outstanding(), "expired nonces were dropped to make room");
        assertEquals(Use.ACCEPTED, nonces.use(used, "linux000009", T0.plus(TTL)));
    }

    @Test
    void usedNoncesBehindAWaitingOneStillCountSoTheBookkeepingStaysBounded() {
        AttestationNonces nonces = new AttestationNonces(new Limits(TTL, 5, 100, Duration.ofMillis(1), 10));
        issued(nonces.issue("linux000000", "10.0.0.5", T0)); // never used: waits at the head until its TTL
        for (int i = 0; i < 4; i++) {
            String nonce = issued(nonces.issue("linux000001", "10.0.0.5", T0));
            assertEquals(Use.ACCEPTED, nonces.use(nonce, "linux000001", T0));
        }
        assertEquals(1, nonces.outstanding());
        assertInstanceOf(Issue.Full.class, nonces.issue("linux000001", "10.0.0.5", T0),
                "issue-and-use in a loop must not grow the expiry queue without bound");
        issued(nonces.issue("linux000001", "10.0.0.5", T0.plus(TTL)));
    }

    private static String issued(Issue issue) {
        return assertInstanceOf(Issue.Issued.class, issue).nonce();
    }
}
