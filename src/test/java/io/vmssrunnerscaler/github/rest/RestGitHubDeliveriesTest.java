package io.vmssrunnerscaler.github.rest;

import static io.vmssrunnerscaler.github.rest.GitHubFixture.await;
import static io.vmssrunnerscaler.github.rest.GitHubFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A webhook's deliveries through the REST adapter: cursor paging, redelivery, errors and rate limits. */
@QuarkusTest
@TestProfile(GitHubRestProfile.class)
class RestGitHubDeliveriesTest {
    private static final long HOOK_ID = 42;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final GitHubFixture fixture = new GitHubFixture();
    private final FakeGitHub fake = fixture.fake;

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-org/app", "octo-org"})
    void pagesBackByCursorUntilItReachesSince(String scope) {
        for (int i = 249; i >= 0; i--) { // one a minute, the newest a minute ago
            fake.addDelivery(scope, HOOK_ID, "guid-" + i, NOW.minus(Duration.ofMinutes(i + 1)), i % 7 == 0 ? 502 : 202,
                    "workflow_job", "queued");
        }
        WebhookRef hook = WebhookRef.of(RunnerScope.parse(scope), HOOK_ID);

        List<HookDelivery> lastTwoHours = await(fixture.client().listHookDeliveries(hook, NOW.minus(Duration.ofMinutes(120))));

        assertEquals(120, lastTwoHours.size());
        assertEquals("guid-0", lastTwoHours.get(0).guid(), "newest first");
        assertEquals("guid-119", lastTwoHours.get(119).guid());
        assertEquals(NOW.minus(Duration.ofMinutes(1)), lastTwoHours.get(0).deliveredAt());
        assertEquals(502, lastTwoHours.get(0).statusCode());
        assertFalse(lastTwoHours.get(0).succeeded());
        assertEquals("queued", lastTwoHours.get(0).action());
        assertEquals(2, fake.calls(FakeGitHub.HOOK_DELIVERIES), "page 2 reached 'since'; page 3 was not asked for");
        assertEquals("application/vnd.github+json", fake.lastHeaders().get("accept"));
    }

    @Test
    void readsEveryPageWhenSinceIsOlderThanAllDeliveries() {
        for (int i = 0; i < 250; i++) {
            fake.addDelivery("octo-org/app", HOOK_ID, "guid-" + i, NOW.minusSeconds(1000 - i), 200, "workflow_job", "completed");
        }
        List<HookDelivery> all = await(fixture.client().listHookDeliveries(hook(), NOW.minus(Duration.ofDays(3))));

        assertEquals(250, all.size());
        assertEquals(250, all.stream().map(HookDelivery::id).distinct().count(), "no page read twice");
        assertEquals(3, fake.calls(FakeGitHub.HOOK_DELIVERIES));
    }

    @Test
    void anEmptyHookListsNothingAndAnUnknownOneIsNotFound() {
        fake.webhook("octo-org/app", HOOK_ID);
        assertEquals(List.of(), await(fixture.client().listHookDeliveries(hook(), NOW.minusSeconds(60))));
        Throwable e = failure(fixture.client().listHookDeliveries(WebhookRef.of(RunnerScope.parse("octo-org/app"), 9),
                NOW.minusSeconds(60)));
        assertInstanceOf(GitHubException.NotFound.class, e);
    }

    @Test
    void redeliveryIsAcceptedAndSendsTheSameEventAgain() {
        long failed = fake.addDelivery("octo-org/app", HOOK_ID, "guid-1", NOW.minusSeconds(60), 0, "workflow_job", "queued");

        await(fixture.client().redeliver(hook(), failed));

        assertEquals(List.of(failed), fake.redeliveryRequests("octo-org/app", HOOK_ID));
        FakeGitHub.Delivery again = fake.deliveries("octo-org/app", HOOK_ID).get(1);
        assertEquals("guid-1", again.guid());
        assertTrue(again.redelivery());
        assertEquals(202, fake.callLog().get(0).status());
    }

    @Test
    void redeliveringAnUnknownDeliveryIsNotFound() {
        fake.webhook("octo-org", HOOK_ID);
        Throwable e = failure(fixture.client().redeliver(WebhookRef.of(RunnerScope.parse("octo-org"), HOOK_ID), 5));
        assertInstanceOf(GitHubException.NotFound.class, e);
    }

    @Test
    void serverErrorsAreRetriedThenSurfacedAsTransient() {
        long failed = fake.addDelivery("octo-org/app", HOOK_ID, "guid-1", NOW.minusSeconds(60), 0, "workflow_job", "queued");
        fake.failNext(FakeGitHub.REDELIVER, 10, 502);

        Throwable e = failure(fixture.client().redeliver(hook(), failed));

        assertInstanceOf(GitHubException.Transient.class, e);
        assertEquals(502, ((GitHubException) e).status());
        assertEquals(3, fake.calls(FakeGitHub.REDELIVER), "the settings allow three tries");
        assertEquals(List.of(), fake.redeliveryRequests("octo-org/app", HOOK_ID));

        fake.failNext(FakeGitHub.HOOK_DELIVERIES, 10, 503);
        Throwable listing = failure(fixture.client().listHookDeliveries(hook(), NOW.minusSeconds(600)));
        assertInstanceOf(GitHubException.Transient.class, listing);
        assertTrue(listing.getMessage().contains("/repos/octo-org/app/hooks/42/deliveries"), listing.getMessage());
    }

    @Test
    void aSecondaryRateLimitIsWaitedOutWithRetryAfter() {
        fake.addDelivery("octo-org/app", HOOK_ID, "guid-1", NOW.minusSeconds(60), 0, "workflow_job", "queued");
        fake.throttleNext(1, 403, 1);

        List<HookDelivery> listed = await(fixture.client().listHookDeliveries(hook(), NOW.minusSeconds(600)));

        assertEquals(1, listed.size());
        List<FakeGitHub.Call> calls = fake.callLog();
        assertEquals(List.of(403, 200), calls.stream().map(FakeGitHub.Call::status).toList());
        assertTrue(Duration.between(calls.get(0).at(), calls.get(1).at()).toMillis() >= 950,
                "retried after " + Duration.between(calls.get(0).at(), calls.get(1).at()));
    }

    @Test
    void anExhaustedPrimaryLimitFailsAtOnceWithoutSending() {
        long failed = fake.addDelivery("octo-org/app", HOOK_ID, "guid-1", NOW.minusSeconds(60), 0, "workflow_job", "queued");
        fake.primaryLimit(1, Duration.ofHours(1));
        RestGitHub client = fixture.client();
        await(client.listHookDeliveries(hook(), NOW.minusSeconds(600))); // the last call of the hour

        Throwable e = failure(client.redeliver(hook(), failed));

        assertInstanceOf(GitHubException.RateLimited.class, e);
        assertEquals(1, fake.totalCalls());
    }

    private static WebhookRef hook() {
        return WebhookRef.of(RunnerScope.parse("octo-org/app"), HOOK_ID);
    }
}
