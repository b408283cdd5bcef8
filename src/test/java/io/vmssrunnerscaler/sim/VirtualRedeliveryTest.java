package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.runtime.VirtualRun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.RedeliveryPass;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRedelivery;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A lost {@code queued} delivery on the virtual clock: without it a pool at min 0 never grows and the
 * job would wait at GitHub; a redelivery pass over the simulated GitHub's delivery record brings it in.
 */
class VirtualRedeliveryTest {
    private static final RunnerScope SCOPE = RunnerScope.parse("octo-org/app");
    private static final WebhookRef HOOK = WebhookRef.of(SCOPE, 1);

    @Test
    void aQueuedDeliveryThatNeverArrivedIsRedeliveredAndTheJobRuns() {
        PoolSpec spec = new PoolSpec("linux", Set.of("self-hosted", "linux"), 0, 2, 0, AfterJob.DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(1));
        Pool pool = new Pool(spec, SCOPE, "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
        VirtualRun run = new VirtualRun(List.of(pool), new SimSettings(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5), 0, 7),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(60), Instant.parse("2026-01-05T08:00:00Z"))
                .start();
        SimWorld world = run.world();
        run.runFor(Duration.ofMinutes(1));

        world.injectFailures("deliver", 1); // the scaler does not answer the queued delivery
        long job = world.gitHub().submit(Set.of("linux"), Duration.ofMinutes(2), "octo-org/app", "octo-org");
        run.runFor(Duration.ofMinutes(10));
        assertEquals(0, world.log().count(e -> e.kind() == SimEvent.Kind.JOB_STARTED), "no runner without the webhook");
        assertTrue(run.scaler().loop("linux").orElseThrow().state().queued().isEmpty());

        WebhookRedelivery redelivery = new WebhookRedelivery(world.gitHub(), HOOK, run.time().asClock(), 10);
        RedeliveryPass pass = result(run, redelivery.redeliverFailed());
        run.runFor(Duration.ofMinutes(5));

        assertEquals(new RedeliveryPass(1, 1, 1, 0, 0, 0, null), pass);
        assertEquals(1, world.log().count(e -> e.kind() == SimEvent.Kind.JOB_COMPLETED && e.jobId() == job));
        List<HookDelivery> attempts = result(run, world.gitHub().listHookDeliveries(HOOK, Instant.EPOCH)).stream()
                .filter(d -> d.action().equals("queued")).toList();
        assertEquals(2, attempts.size(), attempts::toString);
        assertEquals(attempts.get(1).guid(), attempts.get(0).guid(), "a redelivery keeps the GUID");
        assertEquals(List.of(true, false), attempts.stream().map(HookDelivery::redelivery).toList());
        assertEquals(List.of(202, 0), attempts.stream().map(HookDelivery::statusCode).toList());
        RedeliveryPass after = result(run, redelivery.redeliverFailed());
        assertEquals(0, after.failed(), "every event has a successful attempt now: " + after);
    }

    /** The simulator answers on its own clock: let it run a moment, then read the answer. */
    private static <T> T result(VirtualRun run, Uni<T> uni) {
        AtomicReference<T> item = new AtomicReference<>();
        uni.subscribe().with(item::set);
        run.runFor(Duration.ofMillis(1));
        return item.get();
    }
}
