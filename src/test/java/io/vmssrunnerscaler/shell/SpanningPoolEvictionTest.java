package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pool of a Spot scale set first and a Regular one after it: once the Spot one is evicted often
 * (three evictions within ten minutes here), new jobs wait in the Regular one until the cool-down
 * after the latest eviction has passed, and the jobs waiting in the Spot one move over.
 */
class SpanningPoolEvictionTest {
    private static final LossPolicy LOSSES = new LossPolicy(true, 10);
    private final VirtualTimeSource time = new VirtualTimeSource(Instant.parse("2026-12-06T08:00:00Z"));
    private final Pool spot = member("linux-spot", 3);
    private final Pool regular = member("linux-regular", 0);
    private final SimWorld world = ShellFixtures.world(time, List.of(spot, regular));
    private final Scaler scaler = new Scaler(List.of(spot, regular), new ShellContext(time, world.azure(),
            new InMemoryBusyStore(), world.gitHub(), Duration.ofSeconds(2), 1000, false), p -> PoolListener.NONE);

    private static Pool member(String scaleSet, int min) {
        PoolSpec spec = new PoolSpec(Pool.memberName("linux", scaleSet), Set.of("linux"), min, 6, 0, AfterJob.DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(3),
                PoolSpec.DEFAULT_REFUSAL_BACKOFF, new PoolSpec.EvictionLimit(3, Duration.ofMinutes(10),
                        Duration.ofMinutes(30)));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet),
                Pool.defaultRunnerNamePrefix(scaleSet), "linux", false, LOSSES);
    }

    /** Where the pool routes a newly queued job; it waits there. */
    private String queue(SpanningPool pool, long job) {
        PoolLoop loop = pool.route(job);
        loop.offer(new PoolEvent.JobQueued(job, "octo-org/app", null));
        return loop.pool().scaleSet().name();
    }

    @Test
    void newCapacityGoesToTheRegularScaleSetWhileTheSpotOneIsEvictedOften() {
        scaler.start();
        time.runFor(Duration.ofMinutes(3));
        SpanningPool pool = scaler.pools().get(0);
        PoolLoop spotLoop = pool.members().get(0);
        List<Instance> spotInstances = List.copyOf(spotLoop.state().instances().values());
        assertEquals(3, spotInstances.size(), "the Spot scale set holds the pool's minimum");
        assertEquals("linux-spot", queue(pool, 1), "Spot first while it is not evicted");

        spotLoop.offer(new PoolEvent.InstanceEvicted(spotInstances.get(0).name(), PoolEvent.EvictionKind.PREEMPT));
        time.runFor(Duration.ofMinutes(1));
        spotLoop.offer(new PoolEvent.InstanceEvicted(spotInstances.get(1).name(), PoolEvent.EvictionKind.PREEMPT));
        time.runFor(Duration.ofSeconds(30));
        assertEquals("linux-spot", queue(pool, 2), "two evictions are below the threshold");

        spotLoop.offer(new PoolEvent.InstanceEvicted(spotInstances.get(2).name(), PoolEvent.EvictionKind.PREEMPT));
        time.runFor(Duration.ofSeconds(1));
        assertEquals("linux-regular", queue(pool, 3), "the third sends new jobs to Regular");
        scaler.tick(); // rebalance: the jobs waiting in the Spot scale set move over too
        time.runFor(Duration.ofSeconds(1));
        assertEquals(Set.of(), spotLoop.state().queued().keySet());
        assertTrue(pool.members().get(1).state().queued().keySet().containsAll(Set.of(1L, 2L, 3L)));

        time.runFor(Duration.ofMinutes(29));
        assertEquals("linux-regular", queue(pool, 4), "still within the cool-down");
        time.runFor(Duration.ofMinutes(1));
        assertEquals("linux-spot", queue(pool, 5), "the cool-down after the latest has passed");
    }
}
