package io.vmssrunnerscaler.fakes.github;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vmssrunnerscaler.fakes.github.FakeLimits.Kind;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers each request of the fake GitHub the way GitHub orders its checks, records it, and
 * sends the answer (later, when a delay was ordered).
 */
final class FakeHandler implements HttpHandler {
    private final Clock clock;
    private final FakeAuth auth;
    private final FakeLimits limits;
    private final FakeRoutes routes;
    private final ScheduledExecutorService delayer;
    private final SpecCheck spec;
    private final List<FakeGitHub.Call> calls = new ArrayList<>();
    private final AtomicLong requestIds = new AtomicLong(0xC0FFEE);
    private volatile Map<String, String> lastHeaders = Map.of();

    FakeHandler(Clock clock, FakeAuth auth, FakeLimits limits, FakeRoutes routes, ScheduledExecutorService delayer,
            SpecCheck spec) {
        this.spec = spec;
        this.clock = clock;
        this.auth = auth;
        this.limits = limits;
        this.routes = routes;
        this.delayer = delayer;
    }

    synchronized List<FakeGitHub.Call> calls() {
        return List.copyOf(calls);
    }

    Map<String, String> lastHeaders() {
        return lastHeaders;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Instant now = clock.instant();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(1 << 20);
        }
        FakeRoutes.Request request = routes.request(exchange, body);
        rememberHeaders(exchange);
        FakeReply reply = answer(request, now);
        String id = HexFormat.of().toHexDigits(requestIds.incrementAndGet()).toUpperCase(Locale.ROOT);
        reply.header("x-github-request-id", "FAKE:" + id.substring(8));
        synchronized (this) {
            calls.add(new FakeGitHub.Call(now, request.method(), request.path(), request.route(), reply.status()));
        }
        Map<String, List<String>> replyHeaders = new TreeMap<>();
        reply.headers().forEach((name, value) -> replyHeaders.put(name, List.of(value)));
        spec.check(new Exchange(request.method(), request.path(), Exchange.query(exchange.getRequestURI().getRawQuery()),
                SpecCheck.json(body), reply.status(), replyHeaders, SpecCheck.json(reply.body())));
        Optional<FakeLimits.Injection> delay = limits.take(Kind.DELAY, request.route());
        if (delay.isPresent()) {
            delayer.schedule(() -> send(exchange, reply), delay.get().duration.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            send(exchange, reply);
        }
    }

    /** GitHub's order: client headers, credentials, primary limit, then the endpoint itself. */
    private FakeReply answer(FakeRoutes.Request request, Instant now) {
        if (request.header("user-agent") == null) {
            return FakeReply.error(403, "Request forbidden by administrative rules. "
                    + "Please make sure your request has a User-Agent header");
        }
        String version = request.header("x-github-api-version");
        if (version != null && !version.equals("2022-11-28")) {
            return FakeReply.error(400, "Unsupported API version");
        }
        if (request.route().equals(FakeGitHub.ACCESS_TOKEN)) {
            // Authenticated by the App's JWT, outside the token's limit; fails only when asked by name.
            Optional<FakeLimits.Injection> failure = limits.takeNamed(Kind.FAIL, FakeGitHub.ACCESS_TOKEN);
            return failure.isPresent() ? FakeReply.error(failure.get().status, "Server Error") : routes.serve(request, now);
        }
        if (request.route().equals(FakeGitHub.APP_HOOK_DELIVERIES) || request.route().equals(FakeGitHub.APP_REDELIVER)) {
            // The App's own webhook: its JWT only (an installation token gets 401), outside the token's limit.
            Optional<String> app = auth.appOf(request.header("authorization"), now);
            if (app.isEmpty()) {
                return FakeReply.error(401, "A JSON web token could not be decoded");
            }
            Optional<FakeLimits.Injection> failure = limits.takeNamed(Kind.FAIL, request.route());
            return failure.isPresent() ? FakeReply.error(failure.get().status, "Server Error")
                    : routes.serveApp(request, app.get(), now);
        }
        if (!auth.accepts(request.header("authorization"), now)) {
            return FakeReply.error(401, "Bad credentials");
        }
        if (limits.exhausted(now)) {
            return withRateLimitHeaders(FakeReply.error(403, "API rate limit exceeded"), now);
        }
        Optional<FakeLimits.Injection> throttle = limits.take(Kind.THROTTLE, request.route());
        if (throttle.isPresent()) {
            return secondaryLimit(throttle.get(), now);
        }
        limits.consume(now);
        Optional<FakeLimits.Injection> failure = limits.take(Kind.FAIL, request.route());
        FakeReply reply = failure.isPresent()
                ? FakeReply.error(failure.get().status, failure.get().message != null ? failure.get().message : "Server Error")
                : routes.serve(request, now);
        return withRateLimitHeaders(reply, now);
    }

    /** A secondary limit in each of the shapes GitHub documents: {@code retry-after} and the rate-limit headers optional. */
    private FakeReply secondaryLimit(FakeLimits.Injection throttle, Instant now) {
        FakeReply refused = FakeReply.error(throttle.status, FakeGitHub.SECONDARY_LIMIT_MESSAGE);
        if (throttle.rateLimitHeaders) {
            withRateLimitHeaders(refused, now);
        }
        if (throttle.duration != null) {
            refused.header("retry-after", String.valueOf(throttle.duration.toSeconds()));
        }
        return refused;
    }

    private FakeReply withRateLimitHeaders(FakeReply reply, Instant now) {
        int used = limits.used(now);
        return reply.header("x-ratelimit-limit", String.valueOf(limits.limit()))
                .header("x-ratelimit-remaining", String.valueOf(Math.max(0, limits.limit() - used)))
                .header("x-ratelimit-used", String.valueOf(used))
                .header("x-ratelimit-reset", String.valueOf(limits.reset(now).getEpochSecond()))
                .header("x-ratelimit-resource", "core");
    }

    private void rememberHeaders(HttpExchange exchange) {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("authorization")) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        lastHeaders = Map.copyOf(headers);
    }

    private static void send(HttpExchange exchange, FakeReply reply) {
        try (exchange) {
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (reply.body().length > 0) {
                exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            }
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (IOException e) {
            // the client went away (for instance after its deadline): nothing to answer
        }
    }
}
