package io.vmssrunnerscaler.fakes.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fake's endpoints: which request is which route, and the answer of each. */
final class FakeRoutes {
    /** {@code group(1)} of every runner route is the scope key ({@code repos/o/r} or {@code orgs/o}). */
    private static final String SCOPE = "^/((?:repos/[^/]+/[^/]+)|(?:orgs/[^/]+))/actions/runners";
    /** {@code group(1)} the scope key, {@code group(2)} the hook id. */
    private static final String HOOK = "^/((?:repos/[^/]+/[^/]+)|(?:orgs/[^/]+))/hooks/(\\d+)";
    private static final Pattern CURSOR = Pattern.compile("v1_(\\d+)");

    private record Route(String method, Pattern path, String name) {}

    private static final List<Route> ROUTES = List.of(
            new Route("POST", Pattern.compile(SCOPE + "/generate-jitconfig$"), FakeGitHub.JIT_CONFIG),
            new Route("POST", Pattern.compile(SCOPE + "/registration-token$"), FakeGitHub.REGISTRATION_TOKEN),
            new Route("GET", Pattern.compile(SCOPE + "$"), FakeGitHub.RUNNERS),
            new Route("DELETE", Pattern.compile(SCOPE + "/(\\d+)$"), FakeGitHub.DELETE_RUNNER),
            new Route("GET", Pattern.compile("^/orgs/([^/]+)/actions/runner-groups$"), FakeGitHub.RUNNER_GROUPS),
            new Route("GET", Pattern.compile("^/repos/([^/]+/[^/]+)/actions/jobs/(\\d+)$"), FakeGitHub.JOB),
            new Route("GET", Pattern.compile("^/repos/([^/]+/[^/]+)/actions/runs/(\\d+)$"), FakeGitHub.RUN),
            new Route("POST", Pattern.compile("^/repos/([^/]+/[^/]+)/actions/jobs/(\\d+)/rerun$"), FakeGitHub.RERUN_JOB),
            new Route("POST", Pattern.compile("^/repos/([^/]+/[^/]+)/actions/runs/(\\d+)/rerun-failed-jobs$"),
                    FakeGitHub.RERUN_FAILED_JOBS),
            new Route("POST", Pattern.compile("^/app/installations/(\\d+)/access_tokens$"), FakeGitHub.ACCESS_TOKEN),
            new Route("GET", Pattern.compile(HOOK + "/deliveries$"), FakeGitHub.HOOK_DELIVERIES),
            new Route("POST", Pattern.compile(HOOK + "/deliveries/(\\d+)/attempts$"), FakeGitHub.REDELIVER),
            new Route("GET", Pattern.compile("^/app/hook/deliveries$"), FakeGitHub.APP_HOOK_DELIVERIES),
            new Route("POST", Pattern.compile("^/app/hook/deliveries/(\\d+)/attempts$"), FakeGitHub.APP_REDELIVER));

    /** A request, with its route ("unknown" if none) and the route's path groups. */
    record Request(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body,
            String route, List<String> groups) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        int intQuery(String name, int fallback) {
            try {
                return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
    }

    private final FakeAuth auth;
    private final FakeRunners state;
    private final FakeHooks hooks;
    private final FakeRuns runs;
    private final Supplier<URI> baseUri;

    FakeRoutes(FakeAuth auth, FakeRunners state, FakeHooks hooks, FakeRuns runs, Supplier<URI> baseUri) {
        this.auth = auth;
        this.state = state;
        this.hooks = hooks;
        this.runs = runs;
        this.baseUri = baseUri;
    }

    Request request(HttpExchange exchange, byte[] body) {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        for (Route route : ROUTES) {
            Matcher m = route.path().matcher(path);
            if (route.method().equals(method) && m.matches()) {
                List<String> groups = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    groups.add(URLDecoder.decode(m.group(i), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
                }
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                return new Request(method, path, query, headers, body, route.name(), groups);
            }
        }
        return new Request(method, path, Map.of(), headers, body, "unknown", List.of());
    }

    FakeReply serve(Request r, Instant now) {
        List<String> g = r.groups();
        return switch (r.route()) {
            case FakeGitHub.JIT_CONFIG -> jitConfig(g.get(0), r.body());
            case FakeGitHub.REGISTRATION_TOKEN -> state.registrationToken(now);
            case FakeGitHub.RUNNERS -> page(r, "runners", state.listed(g.get(0), r.query().get("name")));
            case FakeGitHub.DELETE_RUNNER -> state.delete(g.get(0), Long.parseLong(g.get(1)));
            case FakeGitHub.RUNNER_GROUPS -> page(r, "runner_groups", state.groupsOf(g.get(0)));
            case FakeGitHub.JOB -> runs.job(g.get(0), Long.parseLong(g.get(1)))
                    .orElseGet(() -> state.job(g.get(0), Long.parseLong(g.get(1))));
            case FakeGitHub.RUN -> runs.runReply(g.get(0), Long.parseLong(g.get(1)));
            case FakeGitHub.RERUN_JOB -> rerunBody(r.body()).orElseGet(() -> runs.rerunJob(g.get(0), Long.parseLong(g.get(1)), now));
            case FakeGitHub.RERUN_FAILED_JOBS -> rerunBody(r.body())
                    .orElseGet(() -> runs.rerunFailedJobs(g.get(0), Long.parseLong(g.get(1)), now));
            case FakeGitHub.ACCESS_TOKEN -> auth.issueInstallationToken(r.header("authorization"), Long.parseLong(g.get(0)), now);
            case FakeGitHub.HOOK_DELIVERIES -> deliveries(r, FakeHooks.hookKey(g.get(0), Long.parseLong(g.get(1))), null);
            case FakeGitHub.REDELIVER -> hooks.redeliver(FakeHooks.hookKey(g.get(0), Long.parseLong(g.get(1))),
                    Long.parseLong(g.get(2)), now);
            default -> FakeReply.error(404, "Not Found");
        };
    }

    /** The GitHub App's own endpoints under {@code /app/hook}, for the App {@code appId} (whose JWT was checked). */
    FakeReply serveApp(Request r, String appId, Instant now) {
        String hookKey = FakeHooks.appHookKey(appId);
        return switch (r.route()) {
            case FakeGitHub.APP_HOOK_DELIVERIES -> {
                hooks.hook(hookKey); // an App always has its webhook, possibly without deliveries yet
                yield deliveries(r, hookKey, auth.installationOf(appId));
            }
            case FakeGitHub.APP_REDELIVER -> hooks.redeliver(hookKey, Long.parseLong(r.groups().get(0)), now);
            default -> FakeReply.error(404, "Not Found");
        };
    }

    /**
     * A re-run's body is optional: none, {@code null}, or an object whose {@code enable_debug_logging}
     * (and, for a job, {@code enable_debugger}) is a boolean. Empty when acceptable, else the refusal.
     */
    private static Optional<FakeReply> rerunBody(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode json = FakeReply.JSON.readTree(body);
            if (json == null || json.isNull()) {
                return Optional.empty();
            }
            boolean flagsOk = json.isObject() && List.of("enable_debug_logging", "enable_debugger").stream()
                    .allMatch(flag -> !json.has(flag) || json.get(flag).isBoolean());
            return flagsOk ? Optional.empty() : Optional.of(FakeReply.error(422, "Invalid request."));
        } catch (IOException e) {
            return Optional.of(FakeReply.error(400, "Problems parsing JSON"));
        }
    }

    private FakeReply jitConfig(String scopeKey, byte[] body) {
        try {
            return state.jitConfig(scopeKey, FakeReply.JSON.readTree(body));
        } catch (IOException e) {
            return FakeReply.error(400, "Problems parsing JSON");
        }
    }

    /** One page of {@code items} under {@code field}, with {@code total_count} and GitHub's Link header. */
    private FakeReply page(Request r, String field, List<Object> items) {
        int perPage = Math.max(1, Math.min(100, r.intQuery("per_page", 30)));
        int page = Math.max(1, r.intQuery("page", 1));
        int last = Math.max(1, (items.size() + perPage - 1) / perPage);
        List<Object> slice = items.subList(Math.min(items.size(), (page - 1) * perPage), Math.min(items.size(), page * perPage));
        FakeReply reply = FakeReply.json(200, Map.of("total_count", items.size(), field, slice));
        List<String> links = new ArrayList<>();
        if (page < last) {
            links.add(link(r, perPage, page + 1, "next"));
            links.add(link(r, perPage, last, "last"));
        }
        if (page > 1) {
            links.add(link(r, perPage, page - 1, "prev"));
            links.add(link(r, perPage, 1, "first"));
        }
        return links.isEmpty() ? reply : reply.header("Link", String.join(", ", links));
    }

    /**
     * A page of a webhook's deliveries, newest first: a JSON array (no {@code total_count}), paged by
     * an opaque cursor ({@code v1_<id>}: the first delivery of the page) in the {@code Link} header.
     * {@code installationId} is set for an App's webhook, whose deliveries each come from an installation.
     */
    private FakeReply deliveries(Request r, String hookKey, Long installationId) {
        Optional<List<FakeGitHub.Delivery>> listing = hooks.listing(hookKey);
        if (listing.isEmpty()) {
            return FakeReply.error(404, "Not Found");
        }
        int perPage = Math.max(1, Math.min(100, r.intQuery("per_page", 30)));
        List<FakeGitHub.Delivery> all = listing.get();
        int from = 0;
        String cursor = r.query().get("cursor");
        if (cursor != null) {
            Matcher m = CURSOR.matcher(cursor);
            if (!m.matches()) {
                return FakeReply.error(400, "Bad Request");
            }
            long start = Long.parseLong(m.group(1));
            while (from < all.size() && all.get(from).id() > start) {
                from++;
            }
        }
        int to = Math.min(all.size(), from + perPage);
        boolean repository = installationId != null || hookKey.startsWith("repos/");
        List<Object> page = new ArrayList<>();
        all.subList(from, to).forEach(d -> page.add(FakeHooks.json(d, repository, installationId)));
        FakeReply reply = FakeReply.json(200, page);
        if (to < all.size()) {
            String next = "v1_" + all.get(to).id();
            reply.header("Link", "<" + baseUri.get() + r.path() + "?per_page=" + perPage + "&cursor=" + next + ">; rel=\"next\"");
        }
        return reply;
    }

    private String link(Request r, int perPage, int page, String rel) {
        String name = r.query().get("name");
        String filter = name == null ? "" : "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&";
        return "<" + baseUri.get() + r.path() + "?" + filter + "per_page=" + perPage + "&page=" + page + ">; rel=\"" + rel + "\"";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
