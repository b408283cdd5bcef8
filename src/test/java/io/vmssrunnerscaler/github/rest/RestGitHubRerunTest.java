package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.MutableClock;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run look-up and the two re-run calls against the fake GitHub: GitHub's refusal becomes
 * {@link RerunRefusedException}, a rate limit stays a rate limit, and a re-run is sent at most once
 * per call whatever the answer. On a mutable clock, so that no test waits for a limit to pass.
 */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubRerunTest {
    private static final String REPO = "octo-org/app";

    private final MutableClock clock = new MutableClock();
    private final GitHubFixture fixture = new GitHubFixture(clock);
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void getsARunAndTheRunOfAJob() {
        long runId = fake.addRun(REPO, List.of("self-hosted"), "build");
        long jobId = firstJob(runId);
        RestGitHub client = fixture.client();

        assertThat(await(client.getRun(REPO, runId)), is(Optional.of(new RunInfo(runId, "queued", null, 1))));
        assertThat(await(client.getJob(REPO, jobId)), is(Optional.of(new JobInfo(jobId, runId, "queued", null, null))));
        fake.startJob(REPO, jobId, "vm000001");
        fake.completeJob(REPO, jobId, "failure");
        RunInfo done = await(client.getRun(REPO, runId)).orElseThrow();
        assertThat(done.completed(), is(true));
        assertThat(done.conclusion(), is("failure"));

        assertThat(await(client.getRun(REPO, runId + 1)), is(Optional.empty()));
        assertThat(await(client.getRun("octo-org/other", runId)), is(Optional.empty()));
        assertThat(failure(client.getRun("octo-org", runId)), instanceOf(IllegalArgumentException.class));
    }

    @Test
    void reRunsAJobAndTheFailedJobsOfARunInNewAttempts() {
        long runId = completedRun("failure");
        RestGitHub client = fixture.client();

        await(client.rerunJob(REPO, firstJob(runId)));
        assertThat(await(client.getRun(REPO, runId)).orElseThrow().runAttempt(), is(2));
        fake.completeJob(REPO, firstJob(runId), "cancelled");

        await(client.rerunFailedJobs(REPO, runId));
        assertThat(await(client.getRun(REPO, runId)).orElseThrow(), is(new RunInfo(runId, "queued", null, 3)));
        assertThat(fake.reruns().stream().map(r -> r.kind() + " " + r.status()).toList(),
                is(List.of("rerun-job 201", "rerun-failed-jobs 201")));
        assertThat(fake.lastHeaders().get("x-github-api-version"), is("2022-11-28"));
        assertThat(fake.specCheck().violations(), empty());
    }

    @Test
    void aRunStillInProgressIsRefusedWithGitHubsReasonAndNoSecret() {
        long runId = fake.addRun(REPO, List.of("self-hosted"), "build", "test");
        fake.completeJob(REPO, firstJob(runId), "failure"); // "test" is still queued
        RestGitHub client = fixture.client();

        Throwable job = failure(client.rerunJob(REPO, firstJob(runId)));
        Throwable failed = failure(client.rerunFailedJobs(REPO, runId));

        for (Throwable e : List.of(job, failed)) {
            assertThat(e, instanceOf(RerunRefusedException.class));
            assertThat(e.getMessage(), containsString("This workflow is already running"));
            assertThat(e.getMessage(), containsString("x-github-request-id"));
            assertThat(e.getMessage(), not(containsString(GitHubFixture.TOKEN)));
        }
        assertThat(failed.getMessage(), containsString("POST /repos/octo-org/app/actions/runs/" + runId + "/rerun-failed-jobs"));
        assertThat(fake.calls(FakeGitHub.RERUN_JOB) + fake.calls(FakeGitHub.RERUN_FAILED_JOBS), is(2));
        await(client.getRun(REPO, runId)); // a refusal leaves the gate open
        assertThat(fake.run(REPO, runId).orElseThrow().runAttempt(), is(1));
    }

    @Test
    void aMissingPermissionStaysAnAuthorizationFailure() {
        long runId = completedRun("failure");
        fake.forbidNext(FakeGitHub.RERUN_FAILED_JOBS, 1); // "Resource not accessible by integration"

        Throwable e = failure(fixture.client().rerunFailedJobs(REPO, runId));

        assertThat(e, instanceOf(GitHubException.Unauthorized.class));
        assertThat(((GitHubException) e).status(), is(403));
    }

    @Test
    void aSecondaryRateLimitOnAReRunClosesTheGateAndIsNoRefusal() {
        long runId = completedRun("failure");
        RestGitHub client = fixture.client(fixture.settings().withMaxRateLimitWait(Duration.ofMillis(1)),
                GitHubAuth.token(GitHubFixture.TOKEN));
        fake.secondaryLimitNext(1, 403, true);

        Throwable limited = failure(client.rerunJob(REPO, firstJob(runId)));
        assertThat(limited, instanceOf(GitHubException.RateLimited.class));
        assertThat(((GitHubException.RateLimited) limited).limit(), is(GitHubException.RateLimited.Limit.SECONDARY));
        Throwable held = failure(client.rerunFailedJobs(REPO, runId));
        assertThat(held, instanceOf(GitHubException.RateLimited.class));
        assertThat("held back by the gate, not sent", ((GitHubException) held).status(), is(0));
        assertThat(fake.reruns(), empty());

        clock.advance(Duration.ofMinutes(1));
        await(client.rerunFailedJobs(REPO, runId));
        assertThat(fake.reruns().size(), is(1));
        assertThat(fake.run(REPO, runId).orElseThrow().runAttempt(), is(2));
    }

    @Test
    void aReRunAnswered5xxIsNotSentAgainWhereAReadIs() {
        long runId = completedRun("failure");
        RestGitHub client = fixture.client();
        fake.failNext(FakeGitHub.RERUN_FAILED_JOBS, 1, 502).failNext(FakeGitHub.RUN, 1, 502);

        Throwable e = failure(client.rerunFailedJobs(REPO, runId));

        assertThat(e, instanceOf(GitHubException.Transient.class));
        assertThat(fake.calls(FakeGitHub.RERUN_FAILED_JOBS), is(1));
        assertThat(await(client.getRun(REPO, runId)).orElseThrow().runAttempt(), is(1));
        assertThat("the read was tried again", fake.calls(FakeGitHub.RUN), is(2));
    }

    @Test
    void aReRunWithoutAnAnswerIsNotSentAgainAndTheRunShowsWhetherItHappened() {
        long runId = completedRun("failure");
        RestGitHub client = fixture.client(fixture.settings().withRequestTimeout(Duration.ofMillis(300)),
                GitHubAuth.token(GitHubFixture.TOKEN));
        fake.delayNext(1, Duration.ofSeconds(2)); // GitHub acts, its answer comes too late

        Throwable e = failure(client.rerunJob(REPO, firstJob(runId)));

        assertThat(e, instanceOf(GitHubException.Transient.class));
        assertThat(fake.calls(FakeGitHub.RERUN_JOB), is(1));
        assertThat(await(client.getRun(REPO, runId)).orElseThrow().runAttempt(), is(2));
        assertThat(fake.reruns().size(), is(1));
    }

    /** A run of one job, completed with {@code conclusion}. */
    private long completedRun(String conclusion) {
        long runId = fake.addRun(REPO, List.of("self-hosted"), "build");
        fake.startJob(REPO, firstJob(runId), "vm000001");
        fake.completeJob(REPO, firstJob(runId), conclusion);
        return runId;
    }

    private long firstJob(long runId) {
        return fake.run(REPO, runId).orElseThrow().jobs().get(0).id();
    }
}
