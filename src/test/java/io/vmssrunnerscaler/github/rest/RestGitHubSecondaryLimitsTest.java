package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.MutableClock;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.rest.GitHubException.RateLimited.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every shape of rate-limit answer GitHub documents closes the credential's gate for as long as
 * GitHub's guide says, and nothing reaches GitHub meanwhile; a secondary limit that names no time
 * waits a minute, doubled while it repeats. On a mutable clock: no test waits for a limit to pass.
 */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubSecondaryLimitsTest {
    private static final RunnerScope REPO = RunnerScope.parse("octo-org/app");

    private final MutableClock clock = new MutableClock();
    private final GitHubFixture fixture = new GitHubFixture(clock);
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aSecondaryLimitNamingNoTimeClosesTheGateForAMinuteAndABurstSendsNothing() {
        RestGitHub client = client();
        fake.secondaryLimitNext(1, 403, true); // x-ratelimit-remaining well above 0, no retry-after
        Instant start = clock.instant();

        GitHubException.RateLimited limited = rateLimited(client.createRunnerConfig(REPO, "vm000001", Set.of("linux"), null));

        assertEquals(403, limited.status());
        assertEquals(Limit.SECONDARY, limited.limit());
        assertEquals(start.plus(Duration.ofMinutes(1)), limited.until());

        clock.advance(Duration.ofSeconds(59));
        for (int i = 2; i <= 10; i++) { // a burst of JIT requests while the limit lasts
            GitHubException.RateLimited held = rateLimited(client.createRunnerConfig(REPO, "vm00000" + i, Set.of("linux"), null));
            assertEquals(0, held.status(), "refused by the gate, not by GitHub");
        }
        assertEquals(1, fake.totalCalls(), "nothing sent while the gate is closed");

        clock.advance(Duration.ofSeconds(1));
        await(client.createRunnerConfig(REPO, "vm000002", Set.of("linux"), null));
        assertEquals(2, fake.totalCalls());
    }

    @Test
    void aSecondaryLimitInARowDoublesTheWaitAndASuccessEndsTheRow() {
        RestGitHub client = client();
        fake.secondaryLimitNext(2, 429, false); // 429 with no headers at all

        assertEquals(clock.instant().plus(Duration.ofMinutes(1)), rateLimited(client.listRunners(REPO)).until());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)), rateLimited(client.listRunners(REPO)).until(),
                "the second in a row waits twice as long");

        clock.advance(Duration.ofSeconds(119));
        assertEquals(0, rateLimited(client.listRunners(REPO)).status());
        assertEquals(2, fake.totalCalls(), "nothing sent while the gate is closed");

        clock.advance(Duration.ofSeconds(1));
        await(client.listRunners(REPO));
        fake.secondaryLimitNext(1, 403, true);
        assertEquals(clock.instant().plus(Duration.ofMinutes(1)), rateLimited(client.listRunners(REPO)).until(),
                "a success ended the row: back to a minute");
        assertEquals(List.of(429, 429, 200, 403), fake.callLog().stream().map(FakeGitHub.Call::status).toList());
    }

    @Test
    void repeatedSecondaryLimitsStopDoublingAtFifteenMinutes() {
        RestGitHub client = client();
        fake.secondaryLimitNext(6, 403, true);
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Duration wait = Duration.between(clock.instant(), rateLimited(client.listRunners(REPO)).until());
            waits.add(wait);
            clock.advance(wait);
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 15L, 15L), waits.stream().map(Duration::toMinutes).toList());
        assertEquals(6, fake.totalCalls());
    }

    /** The documented shapes of a rate-limit answer, and how long each closes the gate. */
    enum Shape {
        FORBIDDEN_WITH_RETRY_AFTER(Limit.RETRY_AFTER),
        TOO_MANY_WITH_RETRY_AFTER(Limit.RETRY_AFTER),
        FORBIDDEN_SECONDARY_WITHOUT_RETRY_AFTER(Limit.SECONDARY),
        TOO_MANY_WITHOUT_HEADERS(Limit.SECONDARY),
        FORBIDDEN_PRIMARY_USED_UP(Limit.PRIMARY);

        final Limit limit;

        Shape(Limit limit) {
            this.limit = limit;
        }
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void everyDocumentedShapeClosesTheSharedGateUntilItsEnd(Shape shape) {
        RestGitHub client = client();
        Instant start = clock.instant();
        Instant end = switch (shape) {
            case FORBIDDEN_WITH_RETRY_AFTER -> order(() -> fake.throttleNext(1, 403, 30), start.plusSeconds(30));
            case TOO_MANY_WITH_RETRY_AFTER -> order(() -> fake.throttleNext(1, 429, 30), start.plusSeconds(30));
            case FORBIDDEN_SECONDARY_WITHOUT_RETRY_AFTER -> order(() -> fake.secondaryLimitNext(1, 403, true),
                    start.plus(Duration.ofMinutes(1)));
            case TOO_MANY_WITHOUT_HEADERS -> order(() -> fake.secondaryLimitNext(1, 429, false), start.plus(Duration.ofMinutes(1)));
            case FORBIDDEN_PRIMARY_USED_UP -> order(fake::exhaustPrimaryLimit, fake.rateLimitReset());
        };

        GitHubException.RateLimited limited = rateLimited(client.listRunners(REPO));
        assertEquals(shape.limit, limited.limit());
        assertEquals(end, limited.until());

        clock.advance(Duration.between(start, end).minusSeconds(1));
        assertEquals(0, rateLimited(client.getJob("octo-org/app", 7)).status()); // another endpoint, the same credential
        assertEquals(1, fake.totalCalls(), "nothing sent while the gate is closed");

        clock.advance(Duration.ofSeconds(1));
        await(client.listRunners(REPO));
        assertEquals(2, fake.totalCalls());
    }

    @Test
    void aForbiddenThatIsNoRateLimitStaysAnAuthorizationFailureAndLeavesTheGateOpen() {
        RestGitHub client = client();
        fake.forbidNext(null, 1);

        Throwable e = failure(client.listRunners(REPO));

        assertInstanceOf(GitHubException.Unauthorized.class, e);
        assertEquals(403, ((GitHubException) e).status());
        await(client.listRunners(REPO));
        assertEquals(2, fake.totalCalls(), "the next call went out at once");
    }

    /** Any wait on the gate fails at once instead of sleeping: the clock only moves when told. */
    private RestGitHub client() {
        return fixture.client(fixture.settings().withMaxRateLimitWait(Duration.ofMillis(1)), GitHubAuth.token(GitHubFixture.TOKEN));
    }

    private static Instant order(Runnable misbehaviour, Instant end) {
        misbehaviour.run();
        return end;
    }

    private static GitHubException.RateLimited rateLimited(Uni<?> call) {
        return assertInstanceOf(GitHubException.RateLimited.class, failure(call));
    }
}
