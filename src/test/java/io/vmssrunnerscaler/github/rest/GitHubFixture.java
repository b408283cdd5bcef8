package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import java.time.Clock;
import java.time.Duration;

/** A fresh fake GitHub and clients of it, with deadlines and back-offs short enough for tests. */
final class GitHubFixture implements AutoCloseable {
    static final String TOKEN = "ghp_fixtureToken0123456789abcdefABCDEF";
    static final Duration WAIT = Duration.ofSeconds(15);

    final Clock clock;
    final FakeGitHub fake;
    private RestGitHub client;

    GitHubFixture() {
        this(Clock.systemUTC());
    }

    /** The fake and the clients on {@code clock}: a mutable one lets a test pass rate limits without waiting. */
    GitHubFixture(Clock clock) {
        this.clock = clock;
        this.fake = FakeGitHub.start(clock).acceptToken(TOKEN);
    }

    GitHubSettings settings() {
        return GitHubSettings.defaults().withBaseUri(fake.baseUri()).withRequestTimeout(Duration.ofSeconds(2))
                .withRetries(3, Duration.ofMillis(20)).withMaxRateLimitWait(Duration.ofSeconds(5));
    }

    /** A client with the fixture's token. */
    RestGitHub client() {
        return client(settings(), GitHubAuth.token(TOKEN));
    }

    RestGitHub client(GitHubSettings settings, GitHubAuth auth) {
        if (client != null) {
            client.close();
        }
        client = RestGitHub.create(settings, auth, clock);
        return client;
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    /** The failure of {@code uni}, which must fail. */
    static Throwable failure(Uni<?> uni) {
        return uni.map(item -> (Throwable) new AssertionError("expected a failure, got " + item))
                .onFailure().recoverWithItem(e -> e)
                .await().atMost(WAIT);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        fake.close();
    }

    static GitHubAuth pat(Uni<String> token) {
        return new GitHubAuth.PersonalAccessToken(() -> token);
    }
}
