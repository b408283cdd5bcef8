package io.vmssrunnerscaler.fakes.github;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.fakes.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's wire behaviour, seen by a plain JDK client (no Quarkus), so that other suites can rely on it. */
class FakeGitHubTest {
    private static final String TOKEN = "ghp_fakeSelfTest";
    private final FakeGitHub fake = FakeGitHub.start().acceptToken(TOKEN);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        fake.close();
    }

    @Test
    void pagesWithLinkHeadersAndPerPage() throws Exception {
        for (int i = 0; i < 5; i++) {
            fake.addRunner("o/r", "vm" + i, true, false, List.of("linux"));
        }
        HttpResponse<String> first = send("GET", "/repos/o/r/actions/runners?per_page=2", TOKEN, null);
        assertEquals(200, first.statusCode());
        assertTrue(first.body().contains("\"total_count\":5"), first.body());
        String link = first.headers().firstValue("link").orElseThrow();
        assertTrue(link.contains("per_page=2&page=2>; rel=\"next\""), link);
        assertTrue(link.contains("page=3>; rel=\"last\""), link);
        HttpResponse<String> last = send("GET", "/repos/o/r/actions/runners?per_page=2&page=3", TOKEN, null);
        assertTrue(last.headers().firstValue("link").orElseThrow().contains("rel=\"prev\""));
        assertTrue(last.body().contains("\"vm4\""), last.body());
    }

    @Test
    void listsAHooksDeliveriesNewestFirstByCursorAndRedeliversWith202() throws Exception {
        Instant at = Instant.parse("2026-02-01T10:00:00Z");
        for (int i = 0; i < 3; i++) {
            fake.addDelivery("o/r", 7, "guid-" + i, at.plusSeconds(i), i == 0 ? 0 : 202, "workflow_job", "queued");
        }
        HttpResponse<String> first = send("GET", "/repos/o/r/hooks/7/deliveries?per_page=2", TOKEN, null);
        assertEquals(200, first.statusCode());
        assertTrue(first.body().startsWith("[{\"id\":"), first.body());
        assertTrue(first.body().contains("\"guid\":\"guid-2\",\"delivered_at\":\"2026-02-01T10:00:02Z\""), first.body());
        String link = first.headers().firstValue("link").orElseThrow();
        assertTrue(link.matches("<https://127\\.0\\.0\\.1:\\d+/repos/o/r/hooks/7/deliveries\\?per_page=2&cursor=v1_\\d+>; rel=\"next\""), link);
        String next = link.substring(link.indexOf("/repos"), link.indexOf('>'));
        HttpResponse<String> last = send("GET", next, TOKEN, null);
        assertTrue(last.body().contains("\"guid\":\"guid-0\"") && last.body().contains("\"status\":\"timed out\""), last.body());
        assertTrue(last.headers().firstValue("link").isEmpty());

        long failed = fake.deliveries("o/r", 7).get(0).id();
        HttpResponse<String> attempt = send("POST", "/repos/o/r/hooks/7/deliveries/" + failed + "/attempts", TOKEN, "");
        assertEquals(202, attempt.statusCode());
        assertEquals(List.of(failed), fake.redeliveryRequests("o/r", 7));
        assertEquals(404, send("POST", "/repos/o/r/hooks/7/deliveries/1/attempts", TOKEN, "").statusCode());
        assertEquals(404, send("GET", "/orgs/o/hooks/7/deliveries", TOKEN, null).statusCode());
        assertEquals(400, send("GET", "/repos/o/r/hooks/7/deliveries?cursor=junk", TOKEN, null).statusCode());
    }

    @Test
    void refusesToDeleteABusyRunnerAndAWrongToken() throws Exception {
        long id = fake.addRunner("octo", "vm1", true, true, List.of("linux"));
        assertEquals(422, send("DELETE", "/orgs/octo/actions/runners/" + id, TOKEN, null).statusCode());
        assertEquals(401, send("DELETE", "/orgs/octo/actions/runners/" + id, "ghp_wrong", null).statusCode());
        fake.setBusy("octo", "vm1", false);
        assertEquals(204, send("DELETE", "/orgs/octo/actions/runners/" + id, TOKEN, null).statusCode());
        assertEquals(404, send("DELETE", "/orgs/octo/actions/runners/" + id, TOKEN, null).statusCode());
    }

    @Test
    void enforcesThePrimaryLimitWithGitHubsHeaders() throws Exception {
        fake.primaryLimit(1, Duration.ofMinutes(1));
        HttpResponse<String> ok = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals("0", ok.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        assertNotNull(ok.headers().firstValue("x-github-request-id").orElse(null));
        HttpResponse<String> refused = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals(403, refused.statusCode());
        assertEquals(String.valueOf(fake.rateLimitReset().getEpochSecond()),
                refused.headers().firstValue("x-ratelimit-reset").orElseThrow());
        assertNull(refused.headers().firstValue("retry-after").orElse(null));
    }

    @Test
    void issuesInstallationTokensOnlyForAValidJwt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        fake.registerApp("99", 5, keys.getPublic());
        long now = Instant.now().getEpochSecond();

        String path = "/app/installations/5/access_tokens";
        assertEquals(201, send("POST", path, jwt(keys, "99", now - 60, now + 540), "").statusCode());
        assertEquals(401, send("POST", path, jwt(keys, "98", now - 60, now + 540), "").statusCode()); // wrong iss
        assertEquals(401, send("POST", path, jwt(keys, "99", now - 60, now + 900), "").statusCode()); // too long
        assertEquals(401, send("POST", path, jwt(keys, "99", now - 700, now - 100), "").statusCode()); // expired
        assertEquals(1, fake.issuedSecrets().size());
    }

    @Test
    void servesTheAppsWebhookToTheAppsJwtOnlyAndRefusesAnInstallationToken() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        fake.registerApp("99", 5, keys.getPublic());
        long now = Instant.now().getEpochSecond();
        String appJwt = jwt(keys, "99", now - 60, now + 540);
        long failed = fake.addAppDelivery("99", "guid-1", Instant.parse("2026-02-01T10:00:00Z"), 0, "workflow_job", "queued");
        String installationToken = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                send("POST", "/app/installations/5/access_tokens", appJwt, "").body()).path("token").asText();

        HttpResponse<String> listed = send("GET", "/app/hook/deliveries?per_page=10", appJwt, null);
        assertEquals(200, listed.statusCode());
        assertTrue(listed.body().contains("\"guid\":\"guid-1\"") && listed.body().contains("\"installation_id\":5"),
                listed.body());
        assertEquals(401, send("GET", "/app/hook/deliveries", installationToken, null).statusCode());
        assertEquals(401, send("POST", "/app/hook/deliveries/" + failed + "/attempts", installationToken, "").statusCode());
        assertEquals(401, send("GET", "/app/hook/deliveries", TOKEN, null).statusCode());
        assertEquals(List.of(), fake.appRedeliveryRequests("99"));

        assertEquals(202, send("POST", "/app/hook/deliveries/" + failed + "/attempts", appJwt, "").statusCode());
        assertEquals(List.of(failed), fake.appRedeliveryRequests("99"));
        assertEquals(404, send("POST", "/app/hook/deliveries/1/attempts", appJwt, "").statusCode());
    }

    @Test
    void sendsEachShapeOfSecondaryLimit() throws Exception {
        fake.secondaryLimitNext(1, 403, true).secondaryLimitNext(1, 429, false).throttleNext(1, 429, 30).forbidNext(null, 1);

        HttpResponse<String> forbidden = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals(403, forbidden.statusCode());
        assertTrue(forbidden.body().contains("secondary rate limit"), forbidden.body());
        assertTrue(Integer.parseInt(forbidden.headers().firstValue("x-ratelimit-remaining").orElseThrow()) > 0);
        assertTrue(forbidden.headers().firstValue("retry-after").isEmpty());

        HttpResponse<String> bare = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals(429, bare.statusCode());
        assertTrue(bare.headers().firstValue("x-ratelimit-remaining").isEmpty() && bare.headers().firstValue("retry-after").isEmpty());

        HttpResponse<String> timed = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals(429, timed.statusCode());
        assertEquals("30", timed.headers().firstValue("retry-after").orElseThrow());

        HttpResponse<String> refused = send("GET", "/orgs/octo/actions/runners", TOKEN, null);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("Resource not accessible by integration"), refused.body());
        assertEquals(200, send("GET", "/orgs/octo/actions/runners", TOKEN, null).statusCode());
    }

    @Test
    void reRunsMakeNewAttemptsWithNewJobIdsAndAreRefusedWhileTheRunIsInProgress() throws Exception {
        List<List<FakeGitHub.RunJob>> queued = new CopyOnWriteArrayList<>();
        fake.onJobsQueued(queued::add);
        long runId = fake.addRun("o/r", List.of("self-hosted", "linux"), "build", "test", "lint");
        fake.needs("o/r", runId, "test", "build");
        long build = jobId(runId, "build");
        long test = jobId(runId, "test");
        long lint = jobId(runId, "lint");
        JsonNode run = json(send("GET", "/repos/o/r/actions/runs/" + runId, TOKEN, null), 200);
        assertThat(run.path("status").asText(), is("queued"));
        assertThat(run.path("run_attempt").asInt(), is(1));

        fake.startJob("o/r", build, "vm1");
        HttpResponse<String> running = send("POST", "/repos/o/r/actions/runs/" + runId + "/rerun-failed-jobs", TOKEN, null);
        assertThat(running.statusCode(), is(403));
        assertThat(running.body(), containsString("\"message\":\"This workflow is already running\""));
        assertThat(send("POST", "/repos/o/r/actions/jobs/" + build + "/rerun", TOKEN, null).statusCode(), is(403));

        fake.completeJob("o/r", build, "success");
        fake.completeJob("o/r", test, "failure");
        fake.completeJob("o/r", lint, "cancelled");
        run = json(send("GET", "/repos/o/r/actions/runs/" + runId, TOKEN, null), 200);
        assertThat(run.path("status").asText() + "/" + run.path("conclusion").asText(), is("completed/failure"));

        HttpResponse<String> failedAgain = send("POST", "/repos/o/r/actions/runs/" + runId + "/rerun-failed-jobs", TOKEN,
                "{\"enable_debug_logging\":false}");
        assertThat(failedAgain.statusCode(), is(201));
        assertThat(failedAgain.body(), is("{}"));
        FakeGitHub.RunView second = fake.run("o/r", runId).orElseThrow();
        assertThat(second.runAttempt(), is(2));
        assertThat(second.status(), is("queued"));
        assertThat(second.jobs().get(0).id(), is(build)); // succeeded: carried over
        assertThat(second.jobs().get(1).id(), not(test));
        assertThat(second.jobs().get(2).id(), not(lint));
        assertThat(queued, is(List.of(second.jobs().subList(1, 3))));
        assertThat(queued.get(0).get(0).labels(), contains("self-hosted", "linux"));
        JsonNode newTest = json(send("GET", "/repos/o/r/actions/jobs/" + second.jobs().get(1).id(), TOKEN, null), 200);
        assertThat(newTest.path("run_id").asLong(), is(runId));
        assertThat(newTest.path("run_attempt").asInt(), is(2));
        assertThat(newTest.path("status").asText(), is("queued"));

        fake.completeJob("o/r", second.jobs().get(1).id(), "success");
        fake.completeJob("o/r", second.jobs().get(2).id(), "success");
        HttpResponse<String> replaced = send("POST", "/repos/o/r/actions/jobs/" + test + "/rerun", TOKEN, null);
        assertThat(replaced.statusCode(), is(403));
        assertThat(replaced.body(), containsString("Only jobs from the current attempt can be re-run"));
        assertThat(send("POST", "/repos/o/r/actions/runs/" + runId + "/rerun-failed-jobs", TOKEN, null).statusCode(), is(403));

        assertThat(send("POST", "/repos/o/r/actions/jobs/" + build + "/rerun", TOKEN, "").statusCode(), is(201));
        FakeGitHub.RunView third = fake.run("o/r", runId).orElseThrow();
        assertThat(third.runAttempt(), is(3));
        assertThat(third.jobs().get(0).id(), not(build));
        assertThat(third.jobs().get(1).id(), not(second.jobs().get(1).id())); // test needs build
        assertThat(third.jobs().get(2).id(), is(second.jobs().get(2).id()));
        assertThat(queued.get(1).stream().map(FakeGitHub.RunJob::name).toList(), contains("build", "test"));

        assertThat(fake.reruns().stream().map(r -> r.kind() + " " + r.id() + " " + r.status()).toList(), contains(
                "rerun-failed-jobs " + runId + " 403", "rerun-job " + build + " 403", "rerun-failed-jobs " + runId + " 201",
                "rerun-job " + test + " 403", "rerun-failed-jobs " + runId + " 403", "rerun-job " + build + " 201"));
        assertThat(fake.specCheck().violations(), empty());
    }

    @Test
    void unknownRunsAndJobsAre404AndALegacyJobHasNoRun() throws Exception {
        fake.job("o/r", 77, "completed", "failure", null);
        assertThat(send("GET", "/repos/o/r/actions/runs/7", TOKEN, null).statusCode(), is(404));
        assertThat(send("POST", "/repos/o/r/actions/runs/7/rerun-failed-jobs", TOKEN, null).statusCode(), is(404));
        assertThat(send("POST", "/repos/o/r/actions/jobs/77/rerun", TOKEN, null).statusCode(), is(404));
        assertThat(json(send("GET", "/repos/o/r/actions/jobs/77", TOKEN, null), 200).path("run_id").asLong(), is(7L));
        assertThat(fake.specCheck().violations(), empty());
    }

    @Test
    void aRunOlderThanThirtyDaysCannotBeReRun() throws Exception {
        MutableClock clock = new MutableClock();
        try (FakeGitHub aged = FakeGitHub.start(clock).acceptToken(TOKEN)) {
            long runId = aged.addRun("o/r", List.of("linux"), "build");
            aged.completeJob("o/r", aged.run("o/r", runId).orElseThrow().jobs().get(0).id(), "failure");
            clock.advance(Duration.ofDays(30));
            HttpRequest request = HttpRequest.newBuilder(URI.create(aged.baseUri() + "/repos/o/r/actions/runs/" + runId
                    + "/rerun-failed-jobs")).header("Authorization", "Bearer " + TOKEN).header("User-Agent", "fake-self-test")
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> refused = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode(), is(403));
            assertThat(refused.body(), containsString("This workflow run cannot be retried"));
            assertThat(aged.run("o/r", runId).orElseThrow().runAttempt(), is(1));
            assertThat(aged.specCheck().violations(), empty());
        }
    }

    private long jobId(long runId, String name) {
        return fake.run("o/r", runId).orElseThrow().jobs().stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow().id();
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.body(), response.statusCode(), is(status));
        return new ObjectMapper().readTree(response.body());
    }

    private static String jwt(KeyPair keys, String iss, long iat, long exp) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes());
        String body = b64.encodeToString(("{\"iss\":\"" + iss + "\",\"iat\":" + iat + ",\"exp\":" + exp + "}").getBytes());
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update((head + "." + body).getBytes());
        return head + "." + body + "." + b64.encodeToString(rsa.sign());
    }

    private HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
                .header("Authorization", "Bearer " + token).header("User-Agent", "fake-self-test")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
