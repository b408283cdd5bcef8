package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.RunnerScope;
import java.security.KeyPair;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Personal access tokens and GitHub App installations: caching, rotation, 401 handling. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubAuthTest {
    private static final RunnerScope REPO = RunnerScope.parse("octo-org/app");
    private static final String APP_ID = "123456";
    private static final long INSTALLATION = 987;

    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void readsATokenOnceAndAgainAfterItWasRotated() {
        AtomicReference<String> secret = new AtomicReference<>("ghp_first000000000000000000000000000000");
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger forgets = new AtomicInteger();
        fake.acceptToken(secret.get());
        RestGitHub client = fixture.client(fixture.settings(), new GitHubAuth.PersonalAccessToken(
                () -> Uni.createFrom().item(() -> {
                    reads.incrementAndGet();
                    return secret.get();
                }), forgets::incrementAndGet));

        await(client.listRunners(REPO));
        await(client.listRunners(REPO));
        assertEquals(1, reads.get());

        // Rotation: the secret store has a new token, GitHub no longer takes the old one.
        secret.set("ghp_second00000000000000000000000000000");
        fake.acceptToken(secret.get()).revokeToken("ghp_first000000000000000000000000000000");
        await(client.listRunners(REPO));

        assertEquals(2, reads.get());
        assertEquals(1, forgets.get());
        assertEquals(4, fake.calls(FakeGitHub.RUNNERS)); // two, then a 401 and its retry
    }

    @Test
    void aWrongTokenFailsAfterOneRetryWithoutShowingIt() {
        String wrong = "ghp_wrongTokenValue11111111111111111111";
        RestGitHub client = fixture.client(fixture.settings(), GitHubAuth.token(wrong));

        Throwable e = failure(client.listRunners(REPO));

        assertInstanceOf(GitHubException.Unauthorized.class, e);
        assertEquals(401, ((GitHubException) e).status());
        assertTrue(((GitHubException) e).requestId().startsWith("FAKE:"));
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertTrue(e.getMessage().contains("x-github-request-id"), e.getMessage());
        assertEquals(2, fake.calls(FakeGitHub.RUNNERS));
    }

    @Test
    void authenticatesAsAnAppInstallationWithAJwtGitHubAccepts() {
        KeyPair keys = AppKeys.generate();
        fake.registerApp(APP_ID, INSTALLATION, keys.getPublic());
        RestGitHub client = fixture.client(fixture.settings(), app(AppKeys.pkcs1Pem(keys)));

        Instant before = Instant.now();
        await(client.createRunnerConfig(REPO, "vm000001", java.util.Set.of("linux"), null));
        await(client.listRunners(REPO));
        await(client.createRegistrationToken(RunnerScope.parse("octo-org")));

        JsonNode claims = fake.lastJwtClaims();
        assertEquals(APP_ID, claims.path("iss").asText());
        long iat = claims.path("iat").asLong();
        long exp = claims.path("exp").asLong();
        assertTrue(iat <= before.getEpochSecond() - 59 && iat >= before.getEpochSecond() - 62, "iat " + iat);
        assertTrue(exp - iat <= 600, "exp - iat " + (exp - iat));
        assertEquals(1, fake.calls(FakeGitHub.ACCESS_TOKEN)); // one installation token for all three calls
    }

    @Test
    void takesANewInstallationTokenWhenTheOldOneIsRefused() {
        KeyPair keys = AppKeys.generate();
        fake.registerApp(APP_ID, INSTALLATION, keys.getPublic());
        RestGitHub client = fixture.client(fixture.settings(), app(AppKeys.pkcs8Pem(keys)));
        await(client.listRunners(REPO));

        fake.revokeInstallationTokens();
        await(client.listRunners(REPO));

        assertEquals(2, fake.calls(FakeGitHub.ACCESS_TOKEN));
        assertEquals(3, fake.calls(FakeGitHub.RUNNERS));
    }

    @Test
    void renewsAnInstallationTokenShortlyBeforeItExpires() {
        KeyPair keys = AppKeys.generate();
        fake.registerApp(APP_ID, INSTALLATION, keys.getPublic()).installationTokenLifetime(java.time.Duration.ofMinutes(4));
        RestGitHub client = fixture.client(fixture.settings(), app(AppKeys.pkcs8Pem(keys)));

        await(client.listRunners(REPO));
        await(client.listRunners(REPO));

        assertEquals(2, fake.calls(FakeGitHub.ACCESS_TOKEN)); // within the 5-minute margin each time
    }

    @Test
    void retriesAnInstallationTokenRequestThatMetAServerError() {
        KeyPair keys = AppKeys.generate();
        fake.registerApp(APP_ID, INSTALLATION, keys.getPublic()).failNext(FakeGitHub.ACCESS_TOKEN, 1, 500);
        RestGitHub client = fixture.client(fixture.settings(), app(AppKeys.pkcs8Pem(keys)));

        await(client.listRunners(REPO));

        assertEquals(2, fake.calls(FakeGitHub.ACCESS_TOKEN));
        assertEquals(1, fake.calls(FakeGitHub.RUNNERS));
    }

    @Test
    void aJwtSignedWithAnotherKeyIsRefused() {
        fake.registerApp(APP_ID, INSTALLATION, AppKeys.generate().getPublic());
        String pem = AppKeys.pkcs8Pem(AppKeys.generate());
        RestGitHub client = fixture.client(fixture.settings(), app(pem));

        Throwable e = failure(client.listRunners(REPO));

        assertInstanceOf(GitHubException.Unauthorized.class, e);
        assertEquals(0, fake.calls(FakeGitHub.RUNNERS));
        assertFalse(e.getMessage().contains(pem.substring(40, 80)), e.getMessage());
    }

    @Test
    void rereadsTheAppKeyAfterTheJwtWasRefused() {
        KeyPair oldKey = AppKeys.generate();
        KeyPair newKey = AppKeys.generate();
        fake.registerApp(APP_ID, INSTALLATION, newKey.getPublic()); // the key was rotated at GitHub
        AtomicReference<String> stored = new AtomicReference<>(AppKeys.pkcs8Pem(oldKey));
        AtomicInteger forgets = new AtomicInteger();
        RestGitHub client = fixture.client(fixture.settings(), new GitHubAuth.App(APP_ID, INSTALLATION,
                () -> Uni.createFrom().item(stored::get), () -> {
                    forgets.incrementAndGet();
                    stored.set(AppKeys.pkcs8Pem(newKey)); // the secret store now has the new key
                }));

        await(client.listRunners(REPO));

        assertEquals(1, forgets.get());
        assertEquals(2, fake.calls(FakeGitHub.ACCESS_TOKEN));
    }

    private static GitHubAuth app(String pem) {
        return new GitHubAuth.App(APP_ID, INSTALLATION, () -> Uni.createFrom().item(pem));
    }
}
