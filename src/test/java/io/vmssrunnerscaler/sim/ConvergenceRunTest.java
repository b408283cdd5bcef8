package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.runtime.VirtualRun;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.shell.Convergence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pool whose live count differs from its desired count says why (issue 18), through the real
 * engine, loops and simulator on a virtual clock.
 */
class ConvergenceRunTest {
    private static final Set<String> LABELS = Set.of("self-hosted", "linux");

    private static Pool pool(int min, Duration idleCooldown) {
        return new Pool(new PoolSpec("linux", LABELS, min, 4, 0, AfterJob.REIMAGE_OR_DELETE, Duration.ofMinutes(10),
                idleCooldown, Duration.ofSeconds(60), Duration.ofHours(1)), RunnerScope.parse("octo-org/app"), "Default",
                new ScaleSetRef("sub", "rg", "linux-vmss"));
    }

    private static VirtualRun run(Pool pool) {
        return VirtualRunTest.run(List.of(pool), 0);
    }

    private static void burst(VirtualRun run, Pool pool, int jobs, Duration duration) {
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(pool)), Map.of(), 0, duration, duration, 1)
                .burst(jobs, LABELS, null);
    }

    @Test
    void surplusIdleRunnersWaitForTheirCooldownAndSaySoUntilWhen() {
        Pool linux = pool(2, Duration.ofMinutes(30));
        VirtualRun run = run(linux);
        run.runFor(Duration.ofMinutes(5));
        assertEquals(Optional.empty(), run.scaler().convergence("linux"), "two idle runners, as desired");

        run.scaler().loop("linux").orElseThrow().offer(new PoolEvent.OverridesSet(0, null, null));
        run.runFor(Duration.ofSeconds(5));
        Convergence c = run.scaler().convergence("linux").orElseThrow();
        Instant oldestIdle = run.scaler().loop("linux").orElseThrow().state().instances().values().stream()
                .filter(i -> i.phase() == Phase.IDLE).map(Instance::since).min(Instant::compareTo).orElseThrow();
        assertEquals(new Convergence(2, "idle cool-down: a surplus idle runner goes after idling 30m",
                oldestIdle.plus(Duration.ofMinutes(30))), c);

        run.runFor(Duration.between(run.time().now(), c.until()).plusMinutes(2));
        assertEquals(Optional.empty(), run.scaler().convergence("linux"), "the cool-down over, the surplus went");
        assertEquals(0, run.scaler().loop("linux").orElseThrow().state().live());
    }

    @Test
    void busyRunnersAboveALoweredMaxAreWaitedForNotRemoved() {
        Pool linux = pool(0, Duration.ofMinutes(2));
        VirtualRun run = run(linux);
        run.runFor(Duration.ofMinutes(1));
        burst(run, linux, 2, Duration.ofMinutes(30));
        run.runFor(Duration.ofMinutes(5));
        assertEquals(2, run.scaler().loop("linux").orElseThrow().state().busy());

        run.scaler().loop("linux").orElseThrow().offer(new PoolEvent.OverridesSet(null, 1, null));
        run.runFor(Duration.ofSeconds(5));
        assertEquals(Optional.of(new Convergence(1, "2 busy runner(s) finish their jobs first: a busy runner is never removed",
                null)), run.scaler().convergence("linux"));
        assertEquals(2, run.scaler().loop("linux").orElseThrow().state().busy(), "no busy runner was touched");
    }

    @Test
    void aGrowingPoolSaysWhatHoldsItBackAndThenThatCapacityWasAskedFor() {
        Pool linux = pool(0, Duration.ofMinutes(2));
        VirtualRun run = run(linux);
        run.runFor(Duration.ofMinutes(1));
        run.scaler().pause("linux", true).await().indefinitely();
        burst(run, linux, 2, Duration.ofMinutes(1));
        run.runFor(Duration.ofSeconds(10));
        assertEquals(Optional.of(new Convergence(-2, "paused by an operator: no new capacity", null)),
                run.scaler().convergence("linux"));

        run.scaler().pause("linux", false).await().indefinitely();
        Optional<Convergence> asked = Optional.empty();
        for (int second = 0; second < 10 && asked.isEmpty(); second++) {
            run.runFor(Duration.ofSeconds(1));
            asked = run.scaler().convergence("linux").filter(g -> g.reason().startsWith("capacity 2 asked for at "));
        }
        assertTrue(asked.isPresent(), () -> "never said capacity was asked for: " + run.scaler().convergence("linux"));
        assertEquals(-2, asked.get().gap());
    }
}
