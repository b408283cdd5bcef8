package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.RedeliveryPass;
import io.vmssrunnerscaler.github.WebhookRedelivery;
import io.vmssrunnerscaler.github.WebhookRef;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The GitHub App's own webhook: listed and redelivered under /app/hook with the App's JWT, end to end. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubAppHookTest {
    private static final String APP_ID = "123456";
    private static final long INSTALLATION = 987;
    private static final KeyPair KEYS = AppKeys.generate();

    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake.registerApp(APP_ID, INSTALLATION, KEYS.getPublic());
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @AfterEach
    void close() {
        fixture.close();
    }

    private RestGitHub app() {
        return fixture.client(fixture.settings(),
                new GitHubAuth.App(APP_ID, INSTALLATION, () -> Uni.createFrom().item(AppKeys.pkcs1Pem(KEYS))));
    }

    @Test
    void aMissedDeliveryToTheAppsWebhookIsRedelivered() {
        fake.addAppDelivery(APP_ID, "taken", now.minus(Duration.ofMinutes(10)), 202, "workflow_job", "in_progress");
        long missed = fake.addAppDelivery(APP_ID, "missed", now.minus(Duration.ofMinutes(5)), 0, "workflow_job", "queued");
        WebhookRedelivery redelivery = new WebhookRedelivery(app(), WebhookRef.app(), Clock.systemUTC(), 10);

        RedeliveryPass pass = await(redelivery.redeliverFailed());

        assertEquals(new RedeliveryPass(2, 1, 1, 0, 0, 0, null), pass);
        assertEquals(List.of(missed), fake.appRedeliveryRequests(APP_ID));
        FakeGitHub.Delivery again = fake.appDeliveries(APP_ID).get(2);
        assertEquals("missed", again.guid());
        assertTrue(again.redelivery());
        assertEquals(1, fake.calls(FakeGitHub.APP_HOOK_DELIVERIES));
        assertEquals(1, fake.calls(FakeGitHub.APP_REDELIVER));
        assertEquals(0, fake.calls(FakeGitHub.ACCESS_TOKEN), "the App's JWT, no installation token");
    }

    @Test
    void listsTheAppsWebhookByCursorNewestFirst() {
        for (int i = 149; i >= 0; i--) {
            fake.addAppDelivery(APP_ID, "guid-" + i, now.minus(Duration.ofMinutes(i + 1)), 200, "workflow_job", "queued");
        }
        List<HookDelivery> lastHour = await(app().listHookDeliveries(WebhookRef.app(), now.minus(Duration.ofMinutes(60))));

        assertEquals(60, lastHour.size());
        assertEquals("guid-0", lastHour.get(0).guid());
        assertEquals(1, fake.calls(FakeGitHub.APP_HOOK_DELIVERIES), "one page of 100 reached 'since'");
    }

    @Test
    void aClientWithATokenCannotReachTheAppsWebhookAndSendsNothing() {
        fake.addAppDelivery(APP_ID, "missed", now.minus(Duration.ofMinutes(5)), 0, "workflow_job", "queued");

        Throwable e = failure(fixture.client().listHookDeliveries(WebhookRef.app(), now.minus(Duration.ofHours(1))));

        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("scaler.github.app-id"), e.getMessage());
        assertEquals(0, fake.totalCalls());
    }
}
