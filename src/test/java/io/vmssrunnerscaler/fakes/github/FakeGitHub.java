package io.vmssrunnerscaler.fakes.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vmssrunnerscaler.fakes.github.FakeLimits.Kind;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A local HTTPS GitHub for tests and benchmarks, on a free port of 127.0.0.1, speaking GitHub's
 * wire format for the runner calls: JIT configurations, registration tokens, runner listings
 * (Link-header paging, {@code per_page}, {@code name}), runner deletion (422 while busy), runner
 * groups, jobs, workflow runs with attempts and their re-runs ({@link #addRun}), App installation tokens (JWT checked with the App's public key), and the
 * deliveries of a repository's, organisation's or (with the App's JWT) GitHub App's webhook
 * (cursor-paged listing, redelivery with 202). Every answer
 * carries {@code x-ratelimit-*} and {@code x-github-request-id}; a configurable primary limit is
 * enforced (403 with remaining 0), and secondary limits (403 or 429, with or without
 * {@code retry-after} and {@code x-ratelimit-*}), refusals, 5xx and slow answers can be ordered.
 * The certificate is the tests' ({@code test.tls.keystore}), which the JVM trusts under surefire.
 */
public final class FakeGitHub implements AutoCloseable {
    /** Route names, for {@link #calls(String)} and route-specific failures. */
    public static final String JIT_CONFIG = "jitconfig", REGISTRATION_TOKEN = "registration-token",
            RUNNERS = "runners", DELETE_RUNNER = "delete-runner", RUNNER_GROUPS = "runner-groups", JOB = "job",
            ACCESS_TOKEN = "access-token", HOOK_DELIVERIES = "hook-deliveries", REDELIVER = "redeliver",
            APP_HOOK_DELIVERIES = "app-hook-deliveries", APP_REDELIVER = "app-redeliver", RUN = "run",
            RERUN_JOB = "rerun-job", RERUN_FAILED_JOBS = "rerun-failed-jobs";

    /** GitHub's words for a secondary rate limit (403 or 429). */
    public static final String SECONDARY_LIMIT_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few "
            + "minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

    /** One request the fake answered. */
    public record Call(Instant at, String method, String path, String route, int status) {}

    private final HttpsServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8, daemon("fake-github"));
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(daemon("fake-github-delay"));
    private final Clock clock;
    private final FakeAuth auth = new FakeAuth();
    private final FakeRunners state = new FakeRunners();
    private final FakeHooks hooks = new FakeHooks();
    private final FakeRuns runs = new FakeRuns();
    private final FakeLimits limits = new FakeLimits();
    private final FakeHandler handler;
    private final SpecCheck spec = new SpecCheck("fake GitHub", Specs.gitHub());

    private FakeGitHub(Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(io.vmssrunnerscaler.fakes.TestTls.serverContext()));
        server.setExecutor(handlers);
        this.handler = new FakeHandler(clock, auth, limits, new FakeRoutes(auth, state, hooks, runs, this::baseUri), delayer, spec);
        server.createContext("/", handler);
        server.start();
    }

    /** Starts a fake on a free port. */
    public static FakeGitHub start() {
        return start(Clock.systemUTC());
    }

    public static FakeGitHub start(Clock clock) {
        try {
            return new FakeGitHub(clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake GitHub", e);
        }
    }

    /** Every exchange held against GitHub's OpenAPI description (see {@link SpecCheck}). */
    public SpecCheck specCheck() {
        return spec;
    }

    public URI baseUri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        delayer.shutdownNow();
    }

    // --- credentials -----------------------------------------------------------------------

    /** Accepts this personal access token from now on. */
    public FakeGitHub acceptToken(String token) {
        auth.accept(token);
        return this;
    }

    /** Stops accepting a token (rotation, revocation): calls with it get 401. */
    public FakeGitHub revokeToken(String token) {
        auth.revoke(token);
        return this;
    }

    /** A GitHub App with one installation; its JWTs must verify with {@code publicKey}. */
    public FakeGitHub registerApp(String appId, long installationId, PublicKey publicKey) {
        auth.registerApp(appId, installationId, publicKey);
        return this;
    }

    public FakeGitHub installationTokenLifetime(Duration lifetime) {
        auth.installationTokenLifetime(lifetime);
        return this;
    }

    /** Every installation token issued so far stops working (as after an expiry). */
    public void revokeInstallationTokens() {
        auth.revokeInstallationTokens();
    }

    /** Every secret the fake handed out (installation and registration tokens, JIT configurations). */
    public List<String> issuedSecrets() {
        List<String> all = new ArrayList<>(auth.issued());
        all.addAll(state.issued());
        return all;
    }

    /** The claims of the last App JWT accepted, or null. */
    public JsonNode lastJwtClaims() {
        return auth.lastJwtClaims();
    }

    // --- runners, groups, jobs -------------------------------------------------------------

    /** Registers a runner in a scope ({@code owner/repo} or {@code org}), as if configured by hand. */
    public long addRunner(String scope, String name, boolean online, boolean busy, List<String> labels) {
        FakeRunners.Runner runner = state.add(FakeRunners.scopeKey(scope), name, labels, 1);
        state.update(FakeRunners.scopeKey(scope), name, online, busy);
        return runner.id;
    }

    /** The runner takes (or finishes) a job. */
    public void setBusy(String scope, String name, boolean busy) {
        state.update(FakeRunners.scopeKey(scope), name, true, busy);
    }

    /** The runner's VM went away under it: offline from now on, with no job. */
    public void runnerLost(String scope, String name) {
        state.update(FakeRunners.scopeKey(scope), name, false, false);
    }

    /** A JIT runner ran its one job: GitHub removes it. */
    public void jobDone(String scope, String name) {
        state.remove(FakeRunners.scopeKey(scope), name);
    }

    public boolean hasRunner(String scope, String name) {
        return state.find(FakeRunners.scopeKey(scope), name).isPresent();
    }

    public Optional<Long> runnerGroupOf(String scope, String name) {
        return state.find(FakeRunners.scopeKey(scope), name).map(r -> r.groupId);
    }

    public int runnerCount(String scope) {
        return state.all(FakeRunners.scopeKey(scope)).size();
    }

    public FakeGitHub runnerGroup(String org, String name, long id) {
        state.group(org, name, id);
        return this;
    }

    public FakeGitHub job(String repository, long jobId, String status, String conclusion, String runnerName) {
        state.job(repository, jobId, status, conclusion, runnerName);
        return this;
    }

    public FakeGitHub registrationTokenLifetime(Duration lifetime) {
        state.registrationTokenLifetime(lifetime);
        return this;
    }

    /** The body of the last {@code generate-jitconfig} request. */
    public JsonNode lastJitRequest() {
        return state.lastJitRequest();
    }

    // --- workflow runs and re-runs --------------------------------------------------------

    /** A job of a run's attempt, as the fake holds it now; {@code repository} in lower case. */
    public record RunJob(String repository, long id, long runId, int runAttempt, String name, List<String> labels,
            String status, String conclusion, String runnerName) {}

    /** A run as the fake holds it now: its latest attempt and that attempt's jobs, in workflow order. */
    public record RunView(long id, String status, String conclusion, int runAttempt, List<RunJob> jobs) {}

    /**
     * One re-run request that reached the endpoint (not one failed on purpose before it):
     * {@code kind} {@link #RERUN_JOB} (id: the job) or {@link #RERUN_FAILED_JOBS} (id: the run), and
     * the status it was answered (201, or GitHub's refusal).
     */
    public record Rerun(String kind, String repository, long id, Instant at, int status) {}

    /**
     * A new workflow run of {@code repository} ({@code owner/name}) created now: attempt 1, one
     * queued job per name (distinct names), each with {@code labels} (its {@code runs-on}). Returns
     * the run's id; {@link #run} shows its jobs' ids.
     */
    public long addRun(String repository, List<String> labels, String... jobNames) {
        return runs.add(repository, labels, List.of(jobNames), clock.instant());
    }

    /** Job {@code job} of the run {@code needs} the named jobs: re-running one of them re-runs it too. */
    public FakeGitHub needs(String repository, long runId, String job, String... needed) {
        runs.needs(repository, runId, job, List.of(needed));
        return this;
    }

    /** A runner took a job of the run's latest attempt: in_progress, and so is the run. */
    public void startJob(String repository, long jobId, String runnerName) {
        runs.start(repository, jobId, runnerName, clock.instant());
    }

    /** A job of the latest attempt ends with {@code conclusion} (success, failure, cancelled, timed_out, ...). */
    public void completeJob(String repository, long jobId, String conclusion) {
        runs.complete(repository, jobId, conclusion, clock.instant());
    }

    /** The run now; empty when the fake has no such run. */
    public Optional<RunView> run(String repository, long runId) {
        return runs.view(repository, runId);
    }

    /** Every re-run request that reached the endpoints, oldest first. */
    public List<Rerun> reruns() {
        return runs.reruns();
    }

    /**
     * Calls {@code listener} with the jobs each accepted re-run queued (new ids, status queued), e.g.
     * to send {@code workflow_job queued} deliveries. Runs on the fake's request thread before the
     * 201 is sent: hand work off rather than block.
     */
    public FakeGitHub onJobsQueued(Consumer<List<RunJob>> listener) {
        runs.onJobsQueued(listener);
        return this;
    }

    // --- webhook deliveries ----------------------------------------------------------------

    /** A webhook of a scope ({@code owner/repo} or {@code org}) with no deliveries yet; unknown hooks answer 404. */
    public FakeGitHub webhook(String scope, long hookId) {
        hooks.hook(FakeHooks.hookKey(FakeRunners.scopeKey(scope), hookId));
        return this;
    }

    /**
     * Records a first attempt of an event to the hook (creating the hook), as GitHub would after
     * sending it; {@code statusCode} is what the receiver answered, 0 for no answer. Returns its id.
     */
    public long addDelivery(String scope, long hookId, String guid, Instant deliveredAt, int statusCode, String event,
            String action) {
        return hooks.add(FakeHooks.hookKey(FakeRunners.scopeKey(scope), hookId), guid, deliveredAt, false, statusCode,
                event, action);
    }

    /** What the receiver answers to the redeliveries the fake makes from now on (default 200; 0: no answer). */
    public FakeGitHub redeliveriesAnswered(int statusCode) {
        hooks.redeliveryStatus(statusCode);
        return this;
    }

    /** The delivery ids of the redelivery requests accepted (202) for the hook, in order. */
    public List<Long> redeliveryRequests(String scope, long hookId) {
        return hooks.requests(FakeHooks.hookKey(FakeRunners.scopeKey(scope), hookId));
    }

    /** Every attempt recorded for the hook, oldest first. */
    public List<Delivery> deliveries(String scope, long hookId) {
        return hooks.all(FakeHooks.hookKey(FakeRunners.scopeKey(scope), hookId));
    }

    /**
     * Records a first attempt of an event to the webhook of a GitHub App registered with
     * {@link #registerApp} (listed and redelivered under {@code /app/hook} with the App's JWT only).
     */
    public long addAppDelivery(String appId, String guid, Instant deliveredAt, int statusCode, String event, String action) {
        return hooks.add(FakeHooks.appHookKey(appId), guid, deliveredAt, false, statusCode, event, action);
    }

    /** The delivery ids of the redelivery requests accepted (202) for the App's webhook, in order. */
    public List<Long> appRedeliveryRequests(String appId) {
        return hooks.requests(FakeHooks.appHookKey(appId));
    }

    /** Every attempt recorded for the App's webhook, oldest first. */
    public List<Delivery> appDeliveries(String appId) {
        return hooks.all(FakeHooks.appHookKey(appId));
    }

    /** One attempt to deliver an event to a webhook; {@code statusCode} 0: no answer. */
    public record Delivery(long id, String guid, Instant deliveredAt, boolean redelivery, int statusCode, String event,
            String action) {}

    // --- limits and failures ---------------------------------------------------------------

    /** The primary limit: {@code limit} calls per {@code window} (GitHub: 5,000 per hour). */
    public FakeGitHub primaryLimit(int limit, Duration window) {
        limits.primary(limit, window);
        return this;
    }

    /** Uses up the current window, as another client of the same token would. */
    public void exhaustPrimaryLimit() {
        limits.exhaust(clock.instant());
    }

    /** When the current window ends ({@code x-ratelimit-reset}). */
    public Instant rateLimitReset() {
        return limits.reset(clock.instant());
    }

    /** The next {@code count} calls get {@code status} (429 or 403) with {@code retry-after}. */
    public FakeGitHub throttleNext(int count, int status, int retryAfterSeconds) {
        limits.inject(Kind.THROTTLE, null, count, status, Duration.ofSeconds(retryAfterSeconds));
        return this;
    }

    /**
     * The next {@code count} calls hit a secondary limit that names no time: {@code status} (403 or
     * 429) without {@code retry-after}, with the {@code x-ratelimit-*} headers (remaining above 0)
     * or with none of them, and GitHub's message.
     */
    public FakeGitHub secondaryLimitNext(int count, int status, boolean rateLimitHeaders) {
        limits.inject(new FakeLimits.Injection(Kind.THROTTLE, null, count, status, null, null, rateLimitHeaders));
        return this;
    }

    /** The next {@code count} calls (of {@code route}, or any when null) get 403 for a missing permission. */
    public FakeGitHub forbidNext(String route, int count) {
        limits.inject(new FakeLimits.Injection(Kind.FAIL, route, count, 403, null, "Resource not accessible by integration",
                true));
        return this;
    }

    /**
     * The next {@code count} calls (of {@code route}, or any when null) get {@code status}, e.g.
     * 502. Installation token requests fail only when {@link #ACCESS_TOKEN} is named.
     */
    public FakeGitHub failNext(String route, int count, int status) {
        limits.inject(Kind.FAIL, route, count, status, null);
        return this;
    }

    /** The next {@code count} calls are answered only after {@code delay}. */
    public FakeGitHub delayNext(int count, Duration delay) {
        limits.inject(Kind.DELAY, null, count, 0, delay);
        return this;
    }

    // --- counters --------------------------------------------------------------------------

    /** How many requests of a route arrived (whatever the answer). */
    public int calls(String route) {
        return (int) handler.calls().stream().filter(c -> c.route().equals(route)).count();
    }

    public int totalCalls() {
        return handler.calls().size();
    }

    public List<Call> callLog() {
        return handler.calls();
    }

    /** The headers of the last request, names in lower case, without {@code authorization}. */
    public Map<String, String> lastHeaders() {
        return handler.lastHeaders();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
