package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rate limits, server errors and deadlines. Waits are a second or two: GitHub's resets are whole seconds. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubLimitsTest {
    private static final RunnerScope REPO = RunnerScope.parse("octo-org/app");

    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void waitsForTheResetWhenTheLastAnswerSaidNothingRemains() {
        fake.primaryLimit(2, Duration.ofSeconds(1));
        RestGitHub client = fixture.client();
        await(client.listRunners(REPO));
        await(client.listRunners(REPO)); // answered with x-ratelimit-remaining: 0
        Instant reset = fake.rateLimitReset();

        await(client.listRunners(REPO));

        List<FakeGitHub.Call> calls = fake.callLog();
        assertEquals(3, calls.size()); // no 403: the third call was held back, not refused
        assertTrue(calls.stream().allMatch(c -> c.status() == 200));
        assertFalse(calls.get(2).at().isBefore(reset), calls.get(2).at() + " before the reset " + reset);
    }

    @Test
    void waitsForTheResetAfterA403FromAnExhaustedLimit() {
        fake.primaryLimit(100, Duration.ofSeconds(1));
        RestGitHub client = fixture.client();
        fake.exhaustPrimaryLimit(); // someone else used the token's budget
        Instant reset = fake.rateLimitReset();

        await(client.listRunners(REPO));

        List<FakeGitHub.Call> calls = fake.callLog();
        assertEquals(List.of(403, 200), calls.stream().map(FakeGitHub.Call::status).toList());
        assertFalse(calls.get(1).at().isBefore(reset));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 403})
    void honoursRetryAfter(int status) {
        fake.throttleNext(1, status, 1);
        RestGitHub client = fixture.client();

        await(client.listRunners(REPO));

        List<FakeGitHub.Call> calls = fake.callLog();
        assertEquals(List.of(status, 200), calls.stream().map(FakeGitHub.Call::status).toList());
        assertTrue(Duration.between(calls.get(0).at(), calls.get(1).at()).toMillis() >= 950,
                "retried after " + Duration.between(calls.get(0).at(), calls.get(1).at()));
    }

    @Test
    void failsAtOnceWhenTheLimitLastsLongerThanACallMayWait() {
        fake.primaryLimit(1, Duration.ofHours(1));
        RestGitHub client = fixture.client();
        await(client.listRunners(REPO)); // the last call of the hour

        Instant start = Instant.now();
        Throwable e = failure(client.listRunners(REPO));

        assertInstanceOf(GitHubException.RateLimited.class, e);
        GitHubException.RateLimited limited = (GitHubException.RateLimited) e;
        assertEquals(fake.rateLimitReset(), limited.until());
        assertNotNull(limited.requestId());
        assertTrue(Duration.between(start, Instant.now()).toMillis() < 1000);
        assertEquals(1, fake.totalCalls()); // nothing sent into the exhausted limit
    }

    @Test
    void aRateLimitThatOutlastsTheWaitIsReportedWithItsEnd() {
        fake.throttleNext(1, 429, 3600);
        Throwable e = failure(fixture.client().listRunners(REPO));

        assertInstanceOf(GitHubException.RateLimited.class, e);
        assertEquals(429, ((GitHubException) e).status());
        assertTrue(((GitHubException.RateLimited) e).until().isAfter(Instant.now().plusSeconds(3500)));
        assertEquals(1, fake.totalCalls());
    }

    @Test
    void retriesServerErrors() {
        fake.failNext(null, 2, 502);

        RunnerConfig config = await(fixture.client().createRunnerConfig(REPO, "vm000001", Set.of("linux"), null));

        assertTrue(config.runnerId() > 0);
        assertEquals(3, fake.calls(FakeGitHub.JIT_CONFIG));
    }

    @Test
    void persistentServerErrorsBecomeTransientWithTheRequestId() {
        fake.failNext(null, 10, 503);

        Throwable e = failure(fixture.client().removeRunner(REPO, "vm000001"));

        assertInstanceOf(GitHubException.Transient.class, e);
        assertEquals(503, ((GitHubException) e).status());
        assertTrue(e.getMessage().contains("[x-github-request-id FAKE:"), e.getMessage());
        assertEquals(3, fake.totalCalls());
    }

    @Test
    void aSlowAnswerMissesTheDeadlineAndIsRetried() {
        fake.delayNext(1, Duration.ofSeconds(5));
        RestGitHub client = fixture.client(fixture.settings().withRequestTimeout(Duration.ofMillis(300)),
                GitHubAuth.token(GitHubFixture.TOKEN));

        await(client.listRunners(REPO));

        assertEquals(2, fake.calls(FakeGitHub.RUNNERS));
    }

    @Test
    void noAnswerAtAllIsTransient() {
        fake.delayNext(5, Duration.ofSeconds(5));
        RestGitHub client = fixture.client(fixture.settings().withRequestTimeout(Duration.ofMillis(200))
                .withRetries(2, Duration.ofMillis(10)), GitHubAuth.token(GitHubFixture.TOKEN));

        Throwable e = failure(client.getJob("octo-org/app", 5));

        assertInstanceOf(GitHubException.Transient.class, e);
        assertEquals(0, ((GitHubException) e).status());
    }

    @Test
    void secretsStayOutOfMessagesAndStrings() {
        RestGitHub client = fixture.client();
        RunnerConfig config = await(client.createRunnerConfig(REPO, "vm000001", Set.of("linux"), null));
        String token = await(client.createRegistrationToken(REPO)).token();
        fake.failNext(null, 10, 500);

        Throwable e = failure(client.createRunnerConfig(REPO, "vm000002", Set.of("linux"), null));

        for (String text : List.of(String.valueOf(e), config.toString(), client.toString())) {
            assertFalse(text.contains(GitHubFixture.TOKEN), text);
            assertFalse(text.contains(config.encodedJitConfig()), text);
            assertFalse(text.contains(token), text);
        }
    }
}
