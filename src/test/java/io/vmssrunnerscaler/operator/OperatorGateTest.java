package io.vmssrunnerscaler.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate's decision for a given path, source address and Authorization header, without a server. */
class OperatorGateTest {
    private static final String TOKEN = "operator-token-for-the-gate-test-0123456789";
    private static final List<String> OPERATOR_PATHS = List.of("/pools", "/pools/linux", "/q/metrics", "/sim/jobs",
            "/sim/summary", "/", "/q/dev-ui", "/anything-added-later", "/admin/pools/linux/pause",
            "/admin/pools/linux/instances/0/drain", "/status/latency", "/ui/data.json", "/ui/sub/app.js",
            "/webjars/other/1.0/x.js", "/webjars/uplot/1.6.30/README.md");

    @Test
    void healthWebhookAndRunnerPathsAreOpenAndNothingElse() {
        for (String open : List.of("/q/health", "/q/health/", "/q/health/live", "/q/health/ready", "/q/health/started",
                "/q/health/well", "/github/webhook", "/runners/linux000001/jitconfig", "/runners/linux000001/job-started",
                "/runners/linux000001/job-completed", "/runners/linux000001/online", "/ui", "/ui/", "/ui/index.html",
                "/ui/app.js", "/ui/style.css", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
                "/webjars/uplot/1.6.30/dist/uPlot.min.css")) {
            assertTrue(OperatorGate.open(open), open);
        }
        for (String closed : OPERATOR_PATHS) {
            assertFalse(OperatorGate.open(closed), closed);
        }
        // look-alikes of the open paths: another prefix, an encoded slash, a matrix parameter, no runner name
        for (String closed : List.of("/q/healthz", "/q/health/live/../../metrics", "/q/health;x=/../metrics",
                "/q/metrics/q/health", "/github/webhooks", "/github/webhook/../../pools", "/runners/",
                "/runners/x%2F..%2F..%2Fpools", "/runners/x;y/jitconfig", "/pools/runners/x", "/Q/HEALTH")) {
            assertFalse(OperatorGate.open(closed), closed);
        }
        assertFalse(OperatorGate.open(null));
    }

    @Test
    void withATokenEveryCallerNeedsItLoopbackToo() {
        OperatorToken token = token();
        for (String path : OPERATOR_PATHS) {
            assertEquals(Optional.empty(), OperatorGate.check(path, "10.1.2.3", "Bearer " + TOKEN, token), path);
            assertEquals(Optional.of(OperatorGate.Refusal.MISSING_TOKEN), OperatorGate.check(path, "127.0.0.1", null, token), path);
        }
        assertEquals(Optional.empty(), OperatorGate.check("/pools", "::1", "bearer  " + TOKEN + " ", token));
        for (String wrong : List.of("Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Bearer x",
                "Bearer " + TOKEN.toUpperCase())) {
            assertEquals(Optional.of(OperatorGate.Refusal.BAD_TOKEN), OperatorGate.check("/pools", "127.0.0.1", wrong, token), wrong);
        }
        for (String missing : List.of("", "Bearer", "Bearer   ", "Basic " + TOKEN, TOKEN)) {
            assertEquals(Optional.of(OperatorGate.Refusal.MISSING_TOKEN), OperatorGate.check("/pools", "127.0.0.1", missing, token),
                    "'" + missing + "'");
        }
        assertEquals(Optional.empty(), OperatorGate.check("/q/health/ready", "10.1.2.3", null, token));
        assertEquals(Optional.empty(), OperatorGate.check("/runners/linux000001/job-started", "10.1.2.3", "Bearer hook", token));
    }

    @Test
    void aMissingAndAWrongTokenGetTheSameAnswer() {
        OperatorGate.Refusal missing = OperatorGate.Refusal.MISSING_TOKEN;
        OperatorGate.Refusal bad = OperatorGate.Refusal.BAD_TOKEN;
        assertEquals(List.of(401, missing.outcome(), missing.reason()), List.of(bad.status(), bad.outcome(), bad.reason()));
    }

    @Test
    void withoutATokenOnlyLoopbackCallersGetIn() {
        OperatorToken token = new OperatorToken();
        token.openToLoopback();
        for (String loopback : List.of("127.0.0.1", "127.10.20.30", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
            assertEquals(Optional.empty(), OperatorGate.check("/pools", loopback, null, token), loopback);
        }
        for (String foreign : List.of("10.1.2.3", "192.168.0.7", "172.17.0.2", "8.8.8.8", "fe80::1", "::2", "0.0.0.0",
                "localhost", "")) {
            assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOOPBACK), OperatorGate.check("/pools", foreign, null, token), foreign);
        }
        assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOOPBACK), OperatorGate.check("/q/metrics", null, null, token));
        // a token presented does not open it either: there is none to compare with
        assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOOPBACK), OperatorGate.check("/pools", "10.1.2.3", "Bearer " + TOKEN, token));
        assertEquals(Optional.empty(), OperatorGate.check("/github/webhook", "10.1.2.3", null, token));
    }

    @Test
    void untilTheTokenIsKnownOperatorEndpointsAreUnavailable() {
        OperatorToken token = new OperatorToken(); // as the wiring leaves it in azure mode until Key Vault answers
        assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOADED), OperatorGate.check("/pools", "127.0.0.1", null, token));
        assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOADED), OperatorGate.check("/pools", "127.0.0.1", "Bearer " + TOKEN, token));
        assertEquals(503, OperatorGate.Refusal.NOT_LOADED.status());
        assertEquals(Optional.empty(), OperatorGate.check("/q/health/live", "10.1.2.3", null, token));
        token.use(TOKEN);
        assertEquals(Optional.empty(), OperatorGate.check("/pools", "10.1.2.3", "Bearer " + TOKEN, token));
        token.expect(); // a start in place forgets it
        assertEquals(Optional.of(OperatorGate.Refusal.NOT_LOADED), OperatorGate.check("/pools", "127.0.0.1", "Bearer " + TOKEN, token));
    }

    @Test
    void aShortTokenIsRefused() {
        OperatorToken token = new OperatorToken();
        assertThrows(IllegalArgumentException.class, () -> token.use("x".repeat(OperatorToken.MIN_LENGTH - 1)));
        assertThrows(IllegalArgumentException.class, () -> token.use(null));
        assertEquals(OperatorToken.State.PENDING, token.state());
        token.use("x".repeat(OperatorToken.MIN_LENGTH));
        assertEquals(OperatorToken.State.REQUIRED, token.state());
    }

    private static OperatorToken token() {
        OperatorToken token = new OperatorToken();
        token.use(TOKEN);
        return token;
    }
}
