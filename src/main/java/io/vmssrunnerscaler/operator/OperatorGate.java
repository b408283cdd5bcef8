package io.vmssrunnerscaler.operator;

import io.vmssrunnerscaler.intake.SourceNetworks;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which requests need the operator token, and the answer to one that lacks it. Every path needs it
 * except an explicit open list, so that an endpoint added later is protected without anyone
 * remembering to: the load balancer's health probes, GitHub's webhook (its own HMAC signature
 * check), the runner VMs' endpoints (their own network and hook-token checks), and the status
 * page's static files (its data calls carry the token).
 */
public final class OperatorGate {
    /**
     * The paths open without the token, matched against the router's normalized path (dot segments
     * removed): nothing but letters, digits and {@code . _ - /} after the prefix, so that no
     * encoded slash or matrix parameter can make a protected path look like an open one.
     */
    static final List<Pattern> OPEN = List.of(
            Pattern.compile("/q/health(/[A-Za-z]+)?/?"),
            Pattern.compile("/github/webhook/?"),
            Pattern.compile("/runners/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/?"),
            // The status page's own files and its chart library: no data in them; the page sends the
            // token with its data calls.
            Pattern.compile("/ui/?"),
            Pattern.compile("/ui/[A-Za-z0-9_-]+\\.(html|js|css|png)"),
            Pattern.compile("/webjars/uplot/[0-9.]+/dist/[A-Za-z0-9._-]+\\.(js|css)"));

    /** The sources a token-less simulator answers: this host only. */
    static final SourceNetworks LOOPBACK = SourceNetworks.parse(List.of("127.0.0.0/8", "::1/128"));

    /** Why a request was refused: its HTTP status, the answer's outcome and reason, and the counter's tag. */
    public enum Refusal {
        /** No {@code Authorization: Bearer} header. Answered exactly as {@link #BAD_TOKEN}: no oracle. */
        MISSING_TOKEN(401, "unauthorized", "missing-token", Reasons.UNAUTHORIZED),
        BAD_TOKEN(401, "unauthorized", "bad-token", Reasons.UNAUTHORIZED),
        /** The token is not known yet (azure mode, Key Vault not read yet). */
        NOT_LOADED(503, "starting", "not-loaded", "the operator token has not been read from Key Vault yet; retry later"),
        /** No token is configured and the caller is not on this host. */
        NOT_LOOPBACK(403, "forbidden-network", "not-loopback", "no operator token is configured (scaler.operator.token): "
                + "operator endpoints answer callers on this host only");

        private final int status;
        private final String outcome;
        private final String tag;
        private final String reason;

        Refusal(int status, String outcome, String tag, String reason) {
            this.status = status;
            this.outcome = outcome;
            this.tag = tag;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String outcome() {
            return outcome;
        }

        /** The {@code reason} tag of {@code scaler_operator_refusals_total}. */
        public String tag() {
            return tag;
        }

        public String reason() {
            return reason;
        }
    }

    private static final class Reasons {
        static final String UNAUTHORIZED = "operator endpoints need the operator token: Authorization: Bearer <token>";
    }

    private OperatorGate() {}

    /** Whether {@code path} (normalized) is open to anyone. */
    public static boolean open(String path) {
        return path != null && OPEN.stream().anyMatch(p -> p.matcher(path).matches());
    }

    /**
     * The refusal for a request, or empty to let it through. {@code source}: the TCP peer's address
     * as text; {@code authorization}: the header's value, or null.
     */
    public static Optional<Refusal> check(String path, String source, String authorization, OperatorToken token) {
        if (open(path)) {
            return Optional.empty();
        }
        return switch (token.state()) {
            case PENDING -> Optional.of(Refusal.NOT_LOADED);
            case LOOPBACK_ONLY -> LOOPBACK.allows(source) ? Optional.empty() : Optional.of(Refusal.NOT_LOOPBACK);
            case REQUIRED -> {
                Optional<String> presented = bearer(authorization);
                if (presented.isEmpty()) {
                    yield Optional.of(Refusal.MISSING_TOKEN);
                }
                yield token.matches(presented.get()) ? Optional.empty() : Optional.of(Refusal.BAD_TOKEN);
            }
        };
    }

    /** The credentials of an {@code Authorization: Bearer <token>} header (the scheme in any case). */
    static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        String credentials = value.substring(7).trim();
        return credentials.isEmpty() ? Optional.empty() : Optional.of(credentials);
    }
}
