package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunnerBusyException;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each runner call in both scopes, against the fake GitHub. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubRunnersTest {
    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-org/app", "octo-org"})
    void createsAJitConfigWithGitHubsHeadersAndBody(String scope) {
        RunnerConfig config = await(fixture.client().createRunnerConfig(RunnerScope.parse(scope), "vm000001",
                Set.of("linux"), null));

        assertTrue(config.runnerId() > 0);
        assertFalse(config.encodedJitConfig().isEmpty());
        assertTrue(fake.hasRunner(scope, "vm000001"));
        assertEquals("vm000001", fake.lastJitRequest().path("name").asText());
        assertEquals(1, fake.lastJitRequest().path("runner_group_id").asLong());
        assertEquals("linux", fake.lastJitRequest().path("labels").get(0).asText());
        assertEquals("_work", fake.lastJitRequest().path("work_folder").asText());
        assertEquals("application/vnd.github+json", fake.lastHeaders().get("accept"));
        assertEquals("2022-11-28", fake.lastHeaders().get("x-github-api-version"));
        assertEquals("vmss-runner-scaler", fake.lastHeaders().get("user-agent"));
    }

    @Test
    void looksUpAnOrganisationsRunnerGroupOnceByName() {
        fake.runnerGroup("octo-org", "Scale Sets", 42);
        RestGitHub client = fixture.client();
        RunnerScope org = RunnerScope.parse("octo-org");

        await(client.createRunnerConfig(org, "vm000001", Set.of("linux"), "scale sets"));
        await(client.createRunnerConfig(org, "vm000002", Set.of("linux"), "Scale Sets"));

        assertEquals(Optional.of(42L), fake.runnerGroupOf("octo-org", "vm000001"));
        assertEquals(Optional.of(42L), fake.runnerGroupOf("octo-org", "vm000002"));
        assertEquals(1, fake.calls(FakeGitHub.RUNNER_GROUPS));
    }

    @Test
    void anUnknownRunnerGroupIsNotFound() {
        Throwable e = failure(fixture.client().createRunnerConfig(RunnerScope.parse("octo-org"), "vm000001",
                Set.of("linux"), "nope"));
        assertInstanceOf(GitHubException.NotFound.class, e);
        assertEquals(0, fake.calls(FakeGitHub.JIT_CONFIG));
    }

    @Test
    void replacesAnIdleLeftoverRunnerOfTheSameName() {
        long old = fake.addRunner("octo-org/app", "vm000001", false, false, List.of("linux"));

        RunnerConfig config = await(fixture.client().createRunnerConfig(RunnerScope.parse("octo-org/app"), "vm000001",
                Set.of("linux"), null));

        assertNotEquals(old, config.runnerId());
        assertEquals(1, fake.runnerCount("octo-org/app"));
        assertEquals(1, fake.calls(FakeGitHub.DELETE_RUNNER));
        assertEquals(2, fake.calls(FakeGitHub.JIT_CONFIG));
    }

    @Test
    void neverReplacesABusyRunnerOfTheSameName() {
        fake.addRunner("octo-org/app", "vm000001", true, true, List.of("linux"));

        Throwable e = failure(fixture.client().createRunnerConfig(RunnerScope.parse("octo-org/app"), "vm000001",
                Set.of("linux"), null));

        assertInstanceOf(GitHubException.Conflict.class, e);
        assertEquals(409, ((GitHubException) e).status());
        assertEquals(0, fake.calls(FakeGitHub.DELETE_RUNNER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-org/app", "octo-org"})
    void keepsARegistrationTokenUntilShortlyBeforeItExpires(String scope) {
        RestGitHub client = fixture.client();
        RegistrationToken first = await(client.createRegistrationToken(RunnerScope.parse(scope)));
        RegistrationToken second = await(client.createRegistrationToken(RunnerScope.parse(scope)));

        assertEquals(first.token(), second.token());
        assertTrue(first.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(55))));
        assertEquals(1, fake.calls(FakeGitHub.REGISTRATION_TOKEN));
    }

    @Test
    void renewsARegistrationTokenWithinTheRefreshMargin() {
        fake.registrationTokenLifetime(Duration.ofMinutes(4)); // the margin is 5 minutes
        RestGitHub client = fixture.client();
        RegistrationToken first = await(client.createRegistrationToken(RunnerScope.parse("octo-org/app")));
        RegistrationToken second = await(client.createRegistrationToken(RunnerScope.parse("octo-org/app")));

        assertNotEquals(first.token(), second.token());
        assertEquals(2, fake.calls(FakeGitHub.REGISTRATION_TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-org/app", "octo-org"})
    void listsEveryPage(String scope) {
        for (int i = 0; i < 5; i++) {
            fake.addRunner(scope, "vm00000" + i, i % 2 == 0, i == 0, List.of("linux", "x64"));
        }
        RestGitHub client = fixture.client(fixture.settings().withPerPage(2), GitHubAuth.token(GitHubFixture.TOKEN));

        List<RunnerInfo> runners = await(client.listRunners(RunnerScope.parse(scope)));

        assertEquals(Set.of("vm000000", "vm000001", "vm000002", "vm000003", "vm000004"),
                runners.stream().map(RunnerInfo::name).collect(Collectors.toSet()));
        assertEquals(3, fake.calls(FakeGitHub.RUNNERS));
        RunnerInfo first = runners.stream().filter(r -> r.name().equals("vm000000")).findFirst().orElseThrow();
        assertTrue(first.online() && first.busy());
        assertEquals(Set.of("linux", "x64"), first.labels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-org/app", "octo-org"})
    void removesAnIdleRunner(String scope) {
        fake.addRunner(scope, "vm000001", true, false, List.of("linux"));
        fake.addRunner(scope, "vm000002", true, false, List.of("linux"));

        await(fixture.client().removeRunner(RunnerScope.parse(scope), "vm000001"));

        assertFalse(fake.hasRunner(scope, "vm000001"));
        assertTrue(fake.hasRunner(scope, "vm000002"));
    }

    @Test
    void refusesToRemoveARunnerListedBusy() {
        fake.addRunner("octo-org", "vm000001", true, true, List.of("linux"));

        Throwable e = failure(fixture.client().removeRunner(RunnerScope.parse("octo-org"), "vm000001"));

        assertInstanceOf(RunnerBusyException.class, e);
        assertTrue(fake.hasRunner("octo-org", "vm000001"));
        assertEquals(0, fake.calls(FakeGitHub.DELETE_RUNNER));
    }

    @Test
    void aRunnerThatTookAJobMeanwhileIsBusy() {
        fake.addRunner("octo-org/app", "vm000001", true, false, List.of("linux"));
        // The listing says idle; the job arrives before the DELETE: GitHub answers 422.
        fake.failNext(FakeGitHub.DELETE_RUNNER, 1, 422);

        Throwable e = failure(fixture.client().removeRunner(RunnerScope.parse("octo-org/app"), "vm000001"));

        assertInstanceOf(RunnerBusyException.class, e);
        assertEquals(1, fake.calls(FakeGitHub.DELETE_RUNNER));
    }

    @Test
    void removingAnUnknownRunnerSucceedsWithoutADelete() {
        await(fixture.client().removeRunner(RunnerScope.parse("octo-org/app"), "vm-never-registered"));
        assertEquals(0, fake.calls(FakeGitHub.DELETE_RUNNER));
    }

    @Test
    void aRunnerGoneBetweenListingAndDeleteCountsAsRemoved() {
        fake.addRunner("octo-org/app", "vm000001", false, false, List.of("linux"));
        fake.failNext(FakeGitHub.DELETE_RUNNER, 1, 404);
        await(fixture.client().removeRunner(RunnerScope.parse("octo-org/app"), "vm000001"));
    }

    @Test
    void getsAJob() {
        fake.job("octo-org/app", 77, "in_progress", null, "vm000001").job("octo-org/lib", 78, "completed", "success", null);
        RestGitHub client = fixture.client();

        assertEquals(Optional.of(new JobInfo(77, 7, "in_progress", null, "vm000001")), await(client.getJob("octo-org/app", 77)),
                "the fake puts job 77 in run 7");
        JobInfo done = await(client.getJob("octo-org/lib", 78)).orElseThrow();
        assertTrue(done.completed());
        assertEquals("success", done.conclusion());
        assertEquals(Optional.empty(), await(client.getJob("octo-org/app", 78)));
        assertInstanceOf(IllegalArgumentException.class, failure(client.getJob("octo-org", 77)));
    }
}
