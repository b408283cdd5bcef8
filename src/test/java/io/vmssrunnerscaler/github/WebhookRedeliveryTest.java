package io.vmssrunnerscaler.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.fakes.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which deliveries a pass redelivers, within which budget, and what it does when GitHub fails. */
class WebhookRedeliveryTest {
    private static final WebhookRef HOOK = WebhookRef.of(RunnerScope.parse("octo-org/app"), 7);
    private static final String JOB = "workflow_job";

    private final MutableClock clock = new MutableClock();
    private final HookPortStub gitHub = new HookPortStub(clock);

    @Test
    void redeliversFailedWorkflowJobEventsOldestFirstAndNothingElse() {
        Instant now = clock.instant();
        gitHub.add("too-old", now.minus(Duration.ofMinutes(61)), 503, JOB, "queued");
        HookDelivery refused = gitHub.add("refused", now.minus(Duration.ofMinutes(50)), 503, JOB, "queued");
        gitHub.add("recovered", now.minus(Duration.ofMinutes(40)), 0, JOB, "queued");
        gitHub.add("recovered", now.minus(Duration.ofMinutes(39)), true, 200, JOB, "queued");
        HookDelivery timedOut = gitHub.add("timed-out", now.minus(Duration.ofMinutes(10)), 0, JOB, "completed");
        gitHub.add("ping", now.minus(Duration.ofMinutes(9)), 502, "ping", null);
        gitHub.add("push", now.minus(Duration.ofMinutes(8)), 500, "push", null);
        gitHub.add("fine", now.minus(Duration.ofMinutes(5)), 202, JOB, "in_progress");

        RedeliveryPass pass = pass(redelivery(100));

        assertEquals(new RedeliveryPass(7, 2, 2, 0, 0, 0, null), pass);
        assertEquals(List.of(refused.id(), timedOut.id()), gitHub.requests);
        assertEquals(List.of(now.minus(WebhookRedelivery.DEFAULT_FIRST_LOOK_BACK)), gitHub.listedSince);
    }

    @Test
    void anAttemptAskedForIsNotAskedForAgainWhileItsRedeliveryIsUnderway() {
        gitHub.redeliveryListed = false; // GitHub has not made the new attempt yet
        gitHub.add("a", clock.instant().minusSeconds(30), 503, JOB, "queued");
        WebhookRedelivery redelivery = redelivery(100);

        assertEquals(1, pass(redelivery).redelivered());
        clock.advance(Duration.ofMinutes(1));
        RedeliveryPass second = pass(redelivery);

        assertEquals(0, second.redelivered());
        assertEquals(1, second.failed());
        assertEquals(1, gitHub.requests.size());
    }

    @Test
    void anEventThatKeepsFailingIsRedeliveredAtMostThreeTimes() {
        gitHub.redeliveryStatus = 503; // the scaler keeps refusing it
        HookDelivery first = gitHub.add("a", clock.instant().minusSeconds(30), 503, JOB, "queued");
        WebhookRedelivery redelivery = redelivery(100);

        List<RedeliveryPass> passes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            passes.add(pass(redelivery));
            clock.advance(Duration.ofMinutes(1));
        }

        assertEquals(List.of(1, 1, 1, 0, 0), passes.stream().map(RedeliveryPass::redelivered).toList());
        assertEquals(List.of(0, 0, 0, 1, 1), passes.stream().map(RedeliveryPass::gaveUp).toList());
        assertEquals(WebhookRedelivery.MAX_REDELIVERIES_PER_EVENT, gitHub.requests.size());
        assertEquals(first.id(), gitHub.requests.get(0));
        assertEquals(3, gitHub.requests.stream().distinct().count(), "each request names the newest failed attempt");
        assertTrue(gitHub.requests.stream().allMatch(id -> gitHub.guidOf(id).equals("a")));
    }

    @Test
    void staysWithinTheHourlyBudgetAndCatchesUpLaterOldestFirst() {
        Instant start = clock.instant();
        List<Long> failed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            failed.add(gitHub.add("e" + i, clock.instant().minus(Duration.ofMinutes(30 - i)), 502, JOB, "queued").id());
        }
        WebhookRedelivery redelivery = redelivery(2);

        RedeliveryPass first = pass(redelivery);
        clock.advance(Duration.ofMinutes(10));
        RedeliveryPass withinTheHour = pass(redelivery);
        clock.advance(Duration.ofMinutes(51));
        RedeliveryPass nextHour = pass(redelivery);
        clock.advance(Duration.ofMinutes(61));
        RedeliveryPass last = pass(redelivery);

        assertEquals(List.of(2, 0, 2, 1), List.of(first.redelivered(), withinTheHour.redelivered(), nextHour.redelivered(),
                last.redelivered()));
        assertEquals(List.of(3, 3, 1, 0), List.of(first.skippedByBudget(), withinTheHour.skippedByBudget(),
                nextHour.skippedByBudget(), last.skippedByBudget()));
        assertEquals(failed, gitHub.requests, "oldest first, each once");
        // The events left for later were listed again, from the oldest of them on, an hour after they failed.
        assertEquals(start.minus(Duration.ofMinutes(28)), gitHub.listedSince.get(2));
    }

    @Test
    void aFailedListingIsReportedAndTheNextPassStartsWhereTheLastGoodOneLeftOff() {
        WebhookRedelivery redelivery = redelivery(100);
        Instant firstPass = clock.instant();
        assertTrue(pass(redelivery).ok());
        clock.advance(Duration.ofMinutes(1));
        gitHub.listingFailures = 1;

        RedeliveryPass failedPass = pass(redelivery);
        clock.advance(Duration.ofMinutes(1));
        gitHub.add("a", clock.instant().minusSeconds(90), 0, JOB, "queued"); // failed while the listing did
        RedeliveryPass next = pass(redelivery);

        assertFalse(failedPass.ok());
        assertTrue(failedPass.error().contains("HTTP 502"), failedPass.error());
        assertEquals(0, failedPass.listed());
        assertEquals(firstPass.minus(WebhookRedelivery.OVERLAP), gitHub.listedSince.get(2));
        assertEquals(1, next.redelivered());
    }

    @Test
    void aRefusedRedeliveryIsReportedAndTriedAgainNextPass() {
        HookDelivery failed = gitHub.add("a", clock.instant().minus(Duration.ofMinutes(20)), 503, JOB, "queued");
        gitHub.redeliveryFailures = 1;
        WebhookRedelivery redelivery = redelivery(100);

        RedeliveryPass refused = pass(redelivery);
        clock.advance(Duration.ofMinutes(1));
        RedeliveryPass retried = pass(redelivery);

        assertEquals(new RedeliveryPass(1, 1, 0, 0, 1, 0, refused.error()), refused);
        assertTrue(refused.error().contains("HTTP 502"), refused.error());
        assertEquals(1, retried.redelivered());
        assertNull(retried.error());
        assertEquals(List.of(failed.id()), gitHub.requests);
    }

    @Test
    void neverFailsEvenWhenThePortThrows() {
        gitHub.listingThrows = true;
        RedeliveryPass pass = pass(redelivery(10));
        assertTrue(pass.error().contains("boom"), pass.error());
    }

    @Test
    void onePassAtATime() {
        gitHub.listingGate = new CompletableFuture<>();
        gitHub.add("a", clock.instant().minusSeconds(30), 503, JOB, "queued");
        WebhookRedelivery redelivery = redelivery(100);
        CompletableFuture<RedeliveryPass> first = redelivery.redeliverFailed().subscribeAsCompletionStage();

        RedeliveryPass overlapping = pass(redelivery);
        gitHub.listingGate.complete(null);

        assertTrue(overlapping.error().contains("still running"), overlapping.error());
        assertEquals(1, first.join().redelivered());
        gitHub.listingGate = null;
        assertTrue(pass(redelivery).ok(), "the pass after the slow one runs");
        assertEquals(1, gitHub.requests.size());
    }

    @Test
    void theFirstPassLooksBackAsConfiguredButNeverBeyondGitHubsThreeDays() {
        pass(new WebhookRedelivery(gitHub, HOOK, clock, 10, Duration.ofMinutes(10)));
        pass(new WebhookRedelivery(gitHub, HOOK, clock, 10, Duration.ofDays(30)));
        assertEquals(List.of(clock.instant().minus(Duration.ofMinutes(10)), clock.instant().minus(Duration.ofDays(3))),
                gitHub.listedSince);
    }

    private WebhookRedelivery redelivery(int hourlyBudget) {
        return new WebhookRedelivery(gitHub, HOOK, clock, hourlyBudget);
    }

    private static RedeliveryPass pass(WebhookRedelivery redelivery) {
        return redelivery.redeliverFailed().await().atMost(Duration.ofSeconds(5));
    }
}
