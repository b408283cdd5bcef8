package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A burst of deliveries arrives faster than the loops take them: each job must see the ones routed
 * before it, not only the loops' snapshots, or the whole burst waits in the first scale set.
 */
class SpanningPoolRouteTest {
    private final VirtualTimeSource time = new VirtualTimeSource(Instant.parse("2026-02-02T08:00:00Z"));
    private final List<Runnable> heldTasks = new ArrayList<>();
    private final Pool a = member("linux-a");
    private final Pool b = member("linux-b");
    private final SimWorld world = ShellFixtures.world(time, List.of(a, b));
    // The loops' executor runs nothing while the burst is routed: the snapshots stay as they are.
    private final Scaler scaler = new Scaler(List.of(a, b), new ShellContext(time, world.azure(), new InMemoryBusyStore(),
            world.gitHub(), Duration.ofSeconds(2), 1000, false, heldTasks::add), p -> PoolListener.NONE);

    private static Pool member(String scaleSet) {
        PoolSpec spec = new PoolSpec(Pool.memberName("linux", scaleSet), Set.of("linux"), 0, 3, 0, AfterJob.DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(3));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet),
                Pool.defaultRunnerNamePrefix(scaleSet), "linux", false);
    }

    @Test
    void aBurstFillsTheFirstScaleSetToItsMaxAndSpillsTheRest() {
        SpanningPool pool = scaler.pools().get(0);
        List<String> routedTo = new ArrayList<>();
        for (long job = 1; job <= 5; job++) {
            routedTo.add(pool.route(job).pool().scaleSet().name());
        }
        assertEquals(List.of("linux-a", "linux-a", "linux-a", "linux-b", "linux-b"), routedTo);
    }

    @Test
    void aRepeatedDeliveryOfARoutedJobGoesWhereTheFirstWent() {
        SpanningPool pool = scaler.pools().get(0);
        for (long job = 1; job <= 3; job++) {
            pool.route(job);
        }
        PoolLoop fourth = pool.route(4);
        assertSame(fourth, pool.route(4));
        assertSame(pool.members().get(0), pool.route(1));
    }
}
