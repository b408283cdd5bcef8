package io.vmssrunnerscaler.deploy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.fakes.github.FakeRunJson;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/replay/export-history.sh against a fake of GitHub's listings of workflow runs ({@code GET
 * /repos/{o}/{r}/actions/runs?created=}) and of a run's jobs ({@code .../runs/{id}/jobs}), paged with GitHub's
 * Link header, every exchange held to GitHub's OpenAPI description ({@link SpecCheck}): the CSV of the jobs
 * that ran, one created= search a day, rate limits waited out as GitHub documents, other refusals named. The
 * token never shows.
 */
class ExportHistoryScriptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "ghp_export0123456789abcdefXYZ";
    private static final String REPO = "octo-org/app";
    private static final String HEADER = "id,queued_at,started_at,completed_at,labels,repository,name";
    private static final Pattern RUNS = Pattern.compile("/repos/octo-org/app/actions/runs");
    private static final Pattern JOBS = Pattern.compile("/repos/octo-org/app/actions/runs/(\\d+)/jobs");
    private static final Pattern ONE_DAY = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.\\.\\1");
    private static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-11-03T00:00:00Z");

    /** One answer of the fake: status, headers, JSON body. */
    record Answer(int status, Map<String, String> headers, Object body) {
        Answer with(String header, Object value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, String.valueOf(value));
            return new Answer(status, more, body);
        }
    }

    /** What the script printed: its standard output (the CSV) and its standard error apart. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    @TempDir
    Path dir;

    private HttpServer server;
    private final SpecCheck spec = new SpecCheck("fake GitHub of ExportHistoryScriptTest", Specs.gitHub());
    /** Workflow runs by the day they were created, in GitHub's order: newest first. */
    private final Map<String, List<Map<String, Object>>> runs = new HashMap<>();
    private final Map<Long, List<Map<String, Object>>> jobs = new HashMap<>();
    /** A day's total_count, when it is not the number of its runs here. */
    private final Map<String, Integer> totalCounts = new HashMap<>();
    /** Changes to the next answers, one each, in order: a rate limit, an error. */
    private final Deque<UnaryOperator<Answer>> next = new ArrayDeque<>();
    private final List<String> calls = new ArrayList<>();
    private final List<Long> callMillis = new ArrayList<>();
    private final List<Headers> requestHeaders = new ArrayList<>();
    private final List<Answer> answers = new ArrayList<>();
    private int exports;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void exportsTheJobsThatRanDayByDayPageByPageSortedByQueueTime() {
        // 2026-11-02: 101 runs (two pages); the oldest, 1000, has 120 jobs (two pages), the others one each.
        List<String> day1 = new ArrayList<>();
        List<Map<String, Object>> matrix = new ArrayList<>();
        Instant first = DAY1.plusSeconds(7);
        for (int k = 0; k < 120; k++) {
            matrix.add(job(50_000 + k, 1000, 1, "test (" + k + ")", List.of("self-hosted", "linux", "x64"), "completed",
                    "success", first.plusSeconds(3), first.plusSeconds(20 + k), first.plusSeconds(80 + k)));
            day1.add(line(50_000 + k, first.plusSeconds(3), first.plusSeconds(20 + k), first.plusSeconds(80 + k),
                    "self-hosted;linux;x64", "test (" + k + ")"));
        }
        addRun("2026-11-02", 1000, 1, first, matrix);
        for (int i = 1; i <= 100; i++) {
            Instant created = DAY1.plusSeconds(600L * i + 7);
            addRun("2026-11-02", 1000 + i, 1, created, List.of(job(60_000 + i, 1000 + i, 1, "build",
                    List.of("self-hosted", "linux"), "completed", "success", created.plusSeconds(3), created.plusSeconds(30),
                    created.plusSeconds(95))));
            day1.add(line(60_000 + i, created.plusSeconds(3), created.plusSeconds(30), created.plusSeconds(95),
                    "self-hosted;linux", "build"));
        }
        // 2026-11-03: run 2001, one job; run 2002 in two attempts, its failed job run again in the second.
        Instant deploy = DAY2.plusSeconds(1800);
        addRun("2026-11-03", 2001, 1, deploy, List.of(job(70_010, 2001, 1, "deploy", List.of("self-hosted", "linux", "arm64",
                "gpu"), "completed", "success", deploy.plusSeconds(1), deploy.plusSeconds(9), deploy.plusSeconds(200))));
        Instant build = DAY2.plusSeconds(3600);
        addRun("2026-11-03", 2002, 2, build, List.of(
                job(70_001, 2002, 1, "build, linux", List.of("self-hosted", "linux", "x64"), "completed", "failure",
                        build.plusSeconds(2), build.plusSeconds(40), build.plusSeconds(300)),
                job(70_003, 2002, 1, "lint \"strict\"", List.of("ubuntu-latest"), "completed", "success",
                        build.plusSeconds(2), build.plusSeconds(50), build.plusSeconds(70)),
                job(70_002, 2002, 2, "build, linux", List.of("self-hosted", "linux", "x64"), "completed", "success",
                        build.plusSeconds(400), build.plusSeconds(420), build.plusSeconds(700))));

        Result result = export("octo-org/app", "2026-11-02", "2026-11-03");

        assertEquals(0, result.exitCode(), result.stderr());
        List<String> expected = new ArrayList<>(List.of(HEADER));
        expected.addAll(day1);
        expected.addAll(List.of(
                "70010,\"2026-11-03T00:30:01Z\",\"2026-11-03T00:30:09Z\",\"2026-11-03T00:33:20Z\",\"self-hosted;linux;arm64;gpu\","
                        + "\"octo-org/app\",\"deploy\"",
                "70001,\"2026-11-03T01:00:02Z\",\"2026-11-03T01:00:40Z\",\"2026-11-03T01:05:00Z\",\"self-hosted;linux;x64\","
                        + "\"octo-org/app\",\"build, linux\"",
                "70003,\"2026-11-03T01:00:02Z\",\"2026-11-03T01:00:50Z\",\"2026-11-03T01:01:10Z\",\"ubuntu-latest\","
                        + "\"octo-org/app\",\"lint \"\"strict\"\"\"",
                "70002,\"2026-11-03T01:06:40Z\",\"2026-11-03T01:07:00Z\",\"2026-11-03T01:11:40Z\",\"self-hosted;linux;x64\","
                        + "\"octo-org/app\",\"build, linux\""));
        assertEquals(expected, result.lines());
        assertEquals("50000,\"2026-11-02T00:00:10Z\",\"2026-11-02T00:00:27Z\",\"2026-11-02T00:01:27Z\",\"self-hosted;linux;x64\","
                + "\"octo-org/app\",\"test (0)\"", result.lines().get(1), "the line helper writes what jq's @csv writes");

        List<String> requests = new ArrayList<>(List.of(runsCall("2026-11-02", 1)));
        for (long run = 1100; run > 1000; run--) {
            requests.add(jobsCall(run, 1));
        }
        requests.addAll(List.of(runsCall("2026-11-02", 2), jobsCall(1000, 1), jobsCall(1000, 2),
                runsCall("2026-11-03", 1), jobsCall(2002, 1), jobsCall(2001, 1)));
        assertEquals(requests, calls);
        assertThat(requestHeaders.stream().map(h -> h.getFirst("Authorization")).toList(), everyItem(is("Bearer " + TOKEN)));
        assertThat(requestHeaders.stream().map(h -> h.getFirst("Accept")).toList(), everyItem(is("application/vnd.github+json")));
        assertThat(requestHeaders.stream().map(h -> h.getFirst("X-GitHub-Api-Version")).toList(), everyItem(is("2022-11-28")));
        assertThat(spec.violations(), empty());
    }

    @Test
    void onlyJobsThatCompletedAfterTheyStartedAreExported() {
        spec.offSpecOnPurpose(); // a job without started_at: the description has it never null, the script copes
        Instant created = Instant.parse("2026-11-04T10:00:00Z");
        Instant queued = created.plusSeconds(2);
        Instant started = created.plusSeconds(30);
        Instant completed = created.plusSeconds(90);
        List<String> linux = List.of("self-hosted", "linux");
        Map<String, Object> neverStarted = job(80_006, 3001, 1, "cancelled in the queue", linux, "completed", "cancelled", queued,
                null, completed);
        addRun("2026-11-04", 3001, 1, created, List.of(
                job(80_001, 3001, 1, "ran", linux, "completed", "success", queued, started, completed),
                job(80_002, 3001, 1, "cancelled while running", linux, "completed", "cancelled", queued, started, completed),
                job(80_003, 3001, 1, "running", linux, "in_progress", null, queued, started, null),
                job(80_004, 3001, 1, "queued", linux, "queued", null, queued, queued, null),
                job(80_005, 3001, 1, "skipped", linux, "completed", "skipped", queued, completed, completed),
                neverStarted,
                job(80_007, 3001, 1, "waiting for approval", linux, "waiting", null, queued, queued, null)));

        Result result = export("octo-org/app", "2026-11-04", "2026-11-04");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(HEADER,
                "80001,\"2026-11-04T10:00:02Z\",\"2026-11-04T10:00:30Z\",\"2026-11-04T10:01:30Z\",\"self-hosted;linux\",\"octo-org/app\",\"ran\"",
                "80002,\"2026-11-04T10:00:02Z\",\"2026-11-04T10:00:30Z\",\"2026-11-04T10:01:30Z\",\"self-hosted;linux\",\"octo-org/app\","
                        + "\"cancelled while running\""), result.lines());
        assertThat(spec.violations(), not(empty()));
        assertThat("the only departure from the description is the job without started_at", spec.violations(),
                everyItem(containsString("started_at")));
    }

    @Test
    void aDayOfMoreThanAThousandRunsIsReportedIncomplete() {
        Instant created = Instant.parse("2026-11-05T08:00:00Z");
        addRun("2026-11-05", 3100, 1, created, List.of(job(81_000, 3100, 1, "build", List.of("self-hosted"), "completed", "success",
                created, created.plusSeconds(5), created.plusSeconds(65))));
        totalCounts.put("2026-11-05", 1500);

        Result result = export("octo-org/app", "2026-11-04", "2026-11-06");

        assertEquals(0, result.exitCode(), result.stderr());
        assertThat(result.stderr(), containsString("warning: 2026-11-05 has 1500 workflow runs, GitHub lists 1000: "
                + "the export of 2026-11-05 is incomplete"));
        assertThat(result.stderr(), not(containsString("warning: 2026-11-04")));
        assertThat(result.lines(), hasSize(2));
        assertEquals(List.of(runsCall("2026-11-04", 1), runsCall("2026-11-05", 1), jobsCall(3100, 1), runsCall("2026-11-06", 1)),
                calls);
    }

    @Test
    void rateLimitsAreWaitedOutAsGitHubSays() {
        Instant created = Instant.parse("2026-11-06T08:00:00Z");
        addRun("2026-11-06", 4001, 1, created, List.of(job(90_001, 4001, 1, "build", List.of("self-hosted"), "completed", "success",
                created, created.plusSeconds(5), created.plusSeconds(65))));
        // primary limit: 403, remaining 0 until x-ratelimit-reset
        next.add(a -> error(403, "API rate limit exceeded for user ID 1.").with("x-ratelimit-remaining", 0)
                .with("x-ratelimit-reset", epochSecond() + 1));
        // the retry succeeds, but was the window's last request
        next.add(a -> a.with("x-ratelimit-remaining", 0).with("x-ratelimit-reset", epochSecond() + 1));
        // secondary limit: 429 with retry-after
        next.add(a -> error(429, FakeGitHub.SECONDARY_LIMIT_MESSAGE).with("retry-after", 1));

        Result result = export("octo-org/app", "2026-11-06", "2026-11-06");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(runsCall("2026-11-06", 1), runsCall("2026-11-06", 1), jobsCall(4001, 1), jobsCall(4001, 1)), calls);
        // the script waits a second past x-ratelimit-reset: without the wait no request could come that late
        assertThat("asked again only after x-ratelimit-reset", callMillis.get(1),
                greaterThanOrEqualTo(1000 * (Long.parseLong(answers.get(0).headers().get("x-ratelimit-reset")) + 1)));
        assertThat("the next request only after x-ratelimit-reset", callMillis.get(2),
                greaterThanOrEqualTo(1000 * (Long.parseLong(answers.get(1).headers().get("x-ratelimit-reset")) + 1)));
        assertThat("asked again only after retry-after", callMillis.get(3) - callMillis.get(2), greaterThanOrEqualTo(1000L));
        assertThat(result.stderr(), containsString("rate limit"));
        assertThat(result.lines(), hasSize(2));
        assertThat(result.lines().get(1), containsString("90001,"));
        assertThat(spec.violations(), empty());
    }

    @Test
    void aRateLimitThatDoesNotLiftEndsTheExportAfterFiveAttempts() {
        for (int i = 0; i < 10; i++) {
            next.add(a -> error(403, FakeGitHub.SECONDARY_LIMIT_MESSAGE).with("retry-after", 0));
        }

        Result result = export("octo-org/app", "2026-11-06", "2026-11-06");

        assertEquals(1, result.exitCode(), result.stderr());
        assertEquals(Collections.nCopies(5, runsCall("2026-11-06", 1)), calls);
        assertThat(result.stderr(), containsString("GET /repos/octo-org/app/actions/runs?created=2026-11-06..2026-11-06"
                + "&per_page=100&page=1 was still refused by GitHub's rate limit after 5 attempts; giving up"));
        assertEquals("", result.stdout(), "no partial CSV");
    }

    @Test
    void anErrorAnswerEndsTheExportNamingTheRequestAndTheStatus() {
        Result gone = export("octo-org/gone", "2026-11-02", "2026-11-03");
        assertEquals(1, gone.exitCode(), gone.stderr());
        assertThat(gone.stderr(), containsString("GET /repos/octo-org/gone/actions/runs?created=2026-11-02..2026-11-02"
                + "&per_page=100&page=1 answered 404: {\"message\":\"Not Found\""));
        assertEquals("", gone.stdout(), "no partial CSV");
        assertEquals(1, calls.size(), "a 404 is not asked again");

        calls.clear();
        Instant created = Instant.parse("2026-11-07T08:00:00Z");
        addRun("2026-11-07", 5001, 1, created, List.of());
        next.add(UnaryOperator.identity());
        next.add(a -> error(500, "Server Error"));
        Result failed = export("octo-org/app", "2026-11-07", "2026-11-07");
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertThat(failed.stderr(), containsString("GET /repos/octo-org/app/actions/runs/5001/jobs?filter=all&per_page=100&page=1 "
                + "answered 500"));
        assertEquals("", failed.stdout());
        assertEquals(List.of(runsCall("2026-11-07", 1), jobsCall(5001, 1)), calls);
        assertThat(spec.violations(), empty());
    }

    @Test
    void aRefusalThatIsNoRateLimitIsNotAskedAgain() {
        next.add(a -> error(403, "Resource not accessible by personal access token"));

        Result result = export("octo-org/app", "2026-11-06", "2026-11-06");

        assertEquals(1, result.exitCode(), result.stderr());
        assertThat(result.stderr(), containsString("answered 403: {\"message\":\"Resource not accessible by personal access token\""));
        assertEquals(1, calls.size());
        assertThat(spec.violations(), empty());
    }

    @Test
    void badArgumentsExitWith2AndSayWhy() {
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of(), "expected 3 arguments, got 0");
        cases.put(List.of("octo-org/app", "2026-11-02"), "expected 3 arguments, got 2");
        cases.put(List.of("octo-org", "2026-11-02", "2026-11-03"), "not OWNER/REPO: octo-org");
        cases.put(List.of("octo-org/app/x", "2026-11-02", "2026-11-03"), "not OWNER/REPO: octo-org/app/x");
        cases.put(List.of("octo-org/..", "2026-11-02", "2026-11-03"), "not OWNER/REPO: octo-org/..");
        cases.put(List.of("octo-org/app", "2026-11-2", "2026-11-03"), "not a date YYYY-MM-DD: 2026-11-2");
        cases.put(List.of("octo-org/app", "2026-02-27", "2026-02-30"), "not a date YYYY-MM-DD: 2026-02-30");
        cases.put(List.of("octo-org/app", "2026-11-03", "2026-11-02"), "UNTIL 2026-11-02 is before SINCE 2026-11-03");
        cases.forEach((args, reason) -> {
            Result result = export(Map.of(), args.toArray(String[]::new));
            assertEquals(2, result.exitCode(), args + ": " + result.stderr());
            assertThat(args.toString(), result.stderr(), containsString(reason));
            assertThat(args.toString(), result.stderr(), containsString("usage: GITHUB_TOKEN=... export-history.sh OWNER/REPO SINCE UNTIL"));
        });
        Result noToken = export(Map.of("GITHUB_TOKEN", ""), "octo-org/app", "2026-11-02", "2026-11-03");
        assertEquals(2, noToken.exitCode(), noToken.stderr());
        assertThat(noToken.stderr(), containsString("no GITHUB_TOKEN (or GH_TOKEN)"));
        for (String api : List.of("http://api.github.com", "http://127.0.0.1.example.com:8080", "ftp://127.0.0.1")) {
            Result clear = export(Map.of("GITHUB_API_URL", api), "octo-org/app", "2026-11-02", "2026-11-03");
            assertEquals(2, clear.exitCode(), api + ": " + clear.stderr());
            assertThat(clear.stderr(), containsString("GITHUB_API_URL must be https:// (plain http only to 127.0.0.1 or localhost)"));
        }
        assertThat("nothing was asked of GitHub", calls, empty());
    }

    private Result export(String... args) {
        return export(Map.of(), args);
    }

    /** Runs the script (as an executable) against the fake; standard error goes to a file of its own. */
    private Result export(Map<String, String> extra, String... args) {
        Path stderr = dir.resolve("stderr-" + ++exports);
        Map<String, String> env = new HashMap<>(Map.of("GITHUB_TOKEN", TOKEN, "GH_TOKEN", "",
                "GITHUB_API_URL", "http://127.0.0.1:" + server.getAddress().getPort(), "EXPORT_STDERR", stderr.toString()));
        env.putAll(extra);
        List<String> command = new ArrayList<>(List.of("bash", "-c", "bench/replay/export-history.sh \"$@\" 2>\"$EXPORT_STDERR\"",
                "export-history.sh"));
        command.addAll(List.of(args));
        Tools.Run run = Tools.run(command, env);
        Result result = new Result(run.exitCode(), run.output(), Tools.read(stderr));
        assertThat("the token was printed", result.stdout() + result.stderr(), not(containsString(TOKEN)));
        return result;
    }

    /** Adds a run created on {@code day}; runs of a day are added in the order they were created. */
    private void addRun(String day, long id, int attempts, Instant created, List<Map<String, Object>> itsJobs) {
        runs.computeIfAbsent(day, d -> new ArrayList<>()).add(0, FakeRunJson.run(REPO, id, "completed", "success", attempts,
                created, created, created.plusSeconds(900)));
        jobs.put(id, itsJobs);
    }

    /** A job in GitHub's shape; {@code started} null for one that never started (not in the description). */
    private static Map<String, Object> job(long id, long runId, int attempt, String name, List<String> labels, String status,
            String conclusion, Instant created, Instant started, Instant completed) {
        boolean ran = started != null && !"skipped".equals(conclusion) && !"queued".equals(status) && !"waiting".equals(status);
        Map<String, Object> job = FakeRunJson.job(REPO, id, runId, attempt, name, labels, status, conclusion,
                ran ? "runner-" + id : null, created, started == null ? created : started, completed);
        if (started == null) {
            job.put("started_at", null);
        }
        return job;
    }

    /** A CSV line as jq's @csv writes it: strings quoted, their quotes doubled. */
    private static String line(long id, Instant queued, Instant started, Instant completed, String labels, String name) {
        return id + ",\"" + queued + "\",\"" + started + "\",\"" + completed + "\",\"" + labels + "\",\"" + REPO + "\",\""
                + name.replace("\"", "\"\"") + "\"";
    }

    private static String runsCall(String day, int page) {
        return "/repos/octo-org/app/actions/runs?created=" + day + ".." + day + "&per_page=100&page=" + page;
    }

    private static String jobsCall(long run, int page) {
        return "/repos/octo-org/app/actions/runs/" + run + "/jobs?filter=all&per_page=100&page=" + page;
    }

    private static long epochSecond() {
        return Instant.now().getEpochSecond();
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            calls.add(path + (query.isEmpty() ? "" : "?" + query));
            callMillis.add(System.currentTimeMillis());
            requestHeaders.add(exchange.getRequestHeaders());
            Map<String, List<String>> params = Exchange.query(query);
            Answer answer = answer(path, query, params);
            UnaryOperator<Answer> change = next.poll();
            if (change != null) {
                answer = change.apply(answer);
            }
            answers.add(answer);
            byte[] body = JSON.writeValueAsBytes(answer.body());
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            // created takes GitHub's search syntax for dates (DAY..DAY, as its description says), which the
            // description's type for it, a single RFC 3339 date-time, cannot express: not held to that type
            // (the tests assert its exact value).
            Map<String, List<String>> checked = new LinkedHashMap<>(params);
            checked.remove("created");
            spec.check(new Exchange(exchange.getRequestMethod(), path, checked, exchange.getRequestHeaders(), null,
                    answer.status(), exchange.getResponseHeaders(), JSON.readTree(body)));
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** The listings of this fake's runs and jobs, {@code per_page} at a time, or 404. */
    private Answer answer(String path, String rawQuery, Map<String, List<String>> params) {
        int page = Integer.parseInt(param(params, "page", "1"));
        int perPage = Integer.parseInt(param(params, "per_page", "30"));
        if (RUNS.matcher(path).matches()) {
            Matcher day = ONE_DAY.matcher(param(params, "created", ""));
            if (!day.matches()) {
                return error(422, "this fake knows created=DAY..DAY only");
            }
            List<Map<String, Object>> all = runs.getOrDefault(day.group(1), List.of());
            return page(path, rawQuery, "workflow_runs", all, totalCounts.getOrDefault(day.group(1), all.size()), page, perPage);
        }
        Matcher run = JOBS.matcher(path);
        if (run.matches() && jobs.containsKey(Long.parseLong(run.group(1)))) {
            List<Map<String, Object>> all = jobs.get(Long.parseLong(run.group(1)));
            if (!param(params, "filter", "latest").equals("all")) { // latest: the jobs of the run's last attempt
                int last = all.stream().mapToInt(j -> (Integer) j.get("run_attempt")).max().orElse(1);
                all = all.stream().filter(j -> (Integer) j.get("run_attempt") == last).toList();
            }
            return page(path, rawQuery, "jobs", all, all.size(), page, perPage);
        }
        return error(404, "Not Found");
    }

    /** One page, with GitHub's Link header (next and last, prev and first) and rate-limit headers. */
    private Answer page(String path, String rawQuery, String field, List<Map<String, Object>> all, int total, int page,
            int perPage) {
        int from = Math.min(all.size(), (page - 1) * perPage);
        List<Map<String, Object>> items = all.subList(from, Math.min(all.size(), from + perPage));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total_count", total);
        body.put(field, items);
        Answer answer = new Answer(200, rateLimitHeaders(), body);
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page < last) {
            links.add(link(path, rawQuery, page + 1, "next"));
            links.add(link(path, rawQuery, last, "last"));
        }
        if (page > 1) {
            links.add(link(path, rawQuery, page - 1, "prev"));
            links.add(link(path, rawQuery, 1, "first"));
        }
        return links.isEmpty() ? answer : answer.with("Link", String.join(", ", links));
    }

    private String link(String path, String rawQuery, int page, String rel) {
        String query = rawQuery.replaceAll("(^|&)page=\\d+", "$1page=" + page);
        return "<http://127.0.0.1:" + server.getAddress().getPort() + path + "?" + query + ">; rel=\"" + rel + "\"";
    }

    private static Answer error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("documentation_url", "https://docs.github.com/rest");
        return new Answer(status, rateLimitHeaders(), body);
    }

    /** As on every answer of GitHub's: plenty left. */
    private static Map<String, String> rateLimitHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit", "5000");
        headers.put("x-ratelimit-remaining", "4990");
        headers.put("x-ratelimit-used", "10");
        headers.put("x-ratelimit-reset", String.valueOf(epochSecond() + 3600));
        headers.put("x-ratelimit-resource", "core");
        return headers;
    }

    private static String param(Map<String, List<String>> params, String name, String otherwise) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? otherwise : values.get(0);
    }
}
