package io.vmssrunnerscaler.sim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.RedeliveryPass;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRedelivery;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The running service and its simulated GitHub over HTTP: a {@code queued} delivery the scaler never
 * got (GitHub recorded no answer) is redelivered under the same {@code X-GitHub-Delivery}; the scaler
 * takes it and the pool counts the job; a further redelivery of it is answered as a duplicate.
 */
@QuarkusTest
@TestProfile(RedeliveryProfile.class)
class HttpRedeliveryTest {
    private static final WebhookRef HOOK = WebhookRef.of(RunnerScope.parse("octo-org/app"), 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ScalerRuntime runtime;

    @Inject
    MeterRegistry metrics;

    @Test
    void aDeliveryTheScalerMissedIsRedeliveredAndTheJobCounted() {
        SimWorld world = runtime.world().orElseThrow();
        Instant start = Instant.now();
        double acceptedBefore = delivered("accepted");
        double duplicatesBefore = delivered("duplicate");

        world.injectFailures("deliver", 1); // the scaler is unreachable for this one
        given().contentType("application/json").body("{\"count\":1,\"labels\":[\"linux\"],\"durationSeconds\":60}")
                .post("/sim/jobs").then().statusCode(202);
        await().atMost(WAIT).until(() -> attempts(start).size() == 1);
        HookDelivery lost = attempts(start).get(0);
        long job = world.log().of(SimEvent.Kind.JOB_QUEUED).get(world.log().of(SimEvent.Kind.JOB_QUEUED).size() - 1).jobId();
        assertEquals(0, lost.statusCode());
        assertFalse(queued().contains(job));

        WebhookRedelivery redelivery = new WebhookRedelivery(world.gitHub(), HOOK, Clock.systemUTC(), 10);
        RedeliveryPass pass = redelivery.redeliverFailed().await().atMost(WAIT);

        assertEquals(1, pass.redelivered(), pass::toString);
        await().atMost(WAIT).until(() -> queued().contains(job));
        await().atMost(WAIT).until(() -> attempts(start).size() == 2);
        HookDelivery again = attempts(start).get(0);
        assertEquals(lost.guid(), again.guid());
        assertTrue(again.redelivery());
        assertEquals(202, again.statusCode(), "the scaler's own answer is recorded");
        assertEquals(acceptedBefore + 1, delivered("accepted"));

        assertEquals(0, redelivery.redeliverFailed().await().atMost(WAIT).failed(), "nothing failed any more");
        // Asked once more by hand: the scaler recognises the GUID and does not act twice.
        world.gitHub().redeliver(HOOK, lost.id()).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> attempts(start).size() == 3);
        assertEquals(200, attempts(start).get(0).statusCode());
        assertEquals(duplicatesBefore + 1, delivered("duplicate"));
    }

    private List<HookDelivery> attempts(Instant since) {
        return runtime.world().orElseThrow().gitHub().listHookDeliveries(HOOK, since).await().atMost(WAIT);
    }

    private java.util.Set<Long> queued() {
        return runtime.scaler().loop("linux").orElseThrow().state().queued().keySet();
    }

    private double delivered(String outcome) {
        Counter counter = metrics.find("scaler.webhook.deliveries").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
