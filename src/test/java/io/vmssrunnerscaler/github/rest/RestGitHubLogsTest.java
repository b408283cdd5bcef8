package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.testing.LogCapture;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With the adapter's and the REST client's loggers at DEBUG, no record carries a secret. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubLogsTest {
    private static final List<String> LOGGERS = List.of("io.vmssrunnerscaler", "io.quarkus.rest.client",
            "org.jboss.resteasy.reactive.client", "io.vertx");
    private static final RunnerScope ORG = RunnerScope.parse("octo-org");

    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void noSecretInAnyLogRecordAcrossAuthenticationRetriesAndLimits() {
        KeyPair keys = AppKeys.generate();
        String pem = AppKeys.pkcs1Pem(keys);
        fake.registerApp("42", 7, keys.getPublic());
        List<String> lines = capture(() -> {
            RestGitHub app = fixture.client(fixture.settings(), new GitHubAuth.App("42", 7, () -> Uni.createFrom().item(pem)));
            await(app.createRunnerConfig(ORG, "vm000001", Set.of("linux"), null));
            await(app.createRegistrationToken(ORG));
            fake.revokeInstallationTokens();
            fake.failNext(null, 1, 502).throttleNext(1, 429, 1);
            await(app.listRunners(ORG));
            RestGitHub wrong = fixture.client(fixture.settings(), GitHubAuth.token("ghp_notAcceptedByTheFake000000000000000"));
            failure(wrong.removeRunner(ORG, "vm000001"));
        });

        assertTrue(lines.stream().anyMatch(l -> l.contains("try 2 of 3")), () -> "capture works: " + lines);
        List<String> secrets = new ArrayList<>(fake.issuedSecrets());
        secrets.addAll(List.of(GitHubFixture.TOKEN, "ghp_notAcceptedByTheFake000000000000000", pem.substring(40, 100)));
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), () -> "a secret in the log: " + line);
            }
        }
    }

    private static List<String> capture(Runnable action) {
        return LogCapture.during(LOGGERS, Level.FINE, action);
    }
}
