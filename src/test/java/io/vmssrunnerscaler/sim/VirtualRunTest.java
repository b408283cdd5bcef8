package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.runtime.VirtualRun;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole loop - engine, pool loops, batching, simulated Azure and GitHub - on a virtual clock. */
class VirtualRunTest {
    static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    static Pool pool(String name, int min, int max, int freePercent, String... labels) {
        PoolSpec spec = new PoolSpec(name, Set.of(labels), min, max, freePercent, AfterJob.REIMAGE_OR_DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(1));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", name + "-vmss"));
    }

    static SimSettings settings(double failureRate) {
        return new SimSettings(Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofSeconds(60),
                Duration.ofSeconds(20), Duration.ofSeconds(5), failureRate, 7);
    }

    static VirtualRun run(List<Pool> pools, double failureRate) {
        return new VirtualRun(pools, settings(failureRate), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(60), START).start();
    }

    @Test
    void burstOfFiftyJobsRunsWithinMaxAndReturnsToMin() {
        Pool linux = pool("linux", 1, 10, 25, "self-hosted", "linux", "x64");
        VirtualRun run = run(List.of(linux), 0);
        run.runFor(Duration.ofMinutes(3));
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(linux)), Map.of(), 0, Duration.ofSeconds(30), Duration.ofSeconds(90), 1)
                .burst(50, Set.of("self-hosted", "linux"), null);
        run.runFor(Duration.ofHours(1));

        SimEventLog log = run.world().log();
        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        WorldInvariants.capacityWithinMax(log, 10);
        PoolState state = run.scaler().loop("linux").orElseThrow().state();
        assertEquals(1, state.live(), () -> "pool did not return to min: " + state.instances());
        assertEquals(1, run.world().azure().instanceCount("linux-vmss"));
        assertTrue(log.of(SimEvent.Kind.REIMAGE_REQUESTED).size() > 0, "finished runners were never re-imaged");
        assertTrue(log.of(SimEvent.Kind.DELETE_REQUESTED).size() > 0, "surplus was never deleted");
    }

    @Test
    void scalesFromZeroForQueuedJobs() {
        Pool gpu = pool("gpu", 0, 3, 0, "gpu");
        VirtualRun run = run(List.of(gpu), 0);
        run.runFor(Duration.ofMinutes(1));
        assertEquals(0, run.world().azure().instanceCount("gpu-vmss"));
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(gpu)), Map.of(), 0, Duration.ofSeconds(30), Duration.ofSeconds(30), 1)
                .burst(2, Set.of("gpu"), null);
        run.runFor(Duration.ofMinutes(30));
        WorldInvariants.everyJobRan(run.world().log());
        assertEquals(0, run.world().azure().instanceCount("gpu-vmss"), "pool did not shrink back to zero");
    }

    @Test
    void hoursOfPoissonTrafficOnTwoPoolsWithProvisioningFailures() {
        Pool linux = pool("linux", 1, 8, 25, "self-hosted", "linux");
        Pool big = pool("big", 0, 4, 50, "self-hosted", "linux", "large");
        VirtualRun run = run(List.of(linux, big), 0.1);
        SimWorkload workload = new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(linux, big)),
                Map.of("self-hosted,linux", 3, "linux,large", 1), 2, Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        workload.start();
        run.runFor(Duration.ofHours(8));
        workload.stop();
        run.runFor(Duration.ofHours(1));

        SimEventLog log = run.world().log();
        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        assertTrue(log.of(SimEvent.Kind.INSTANCE_FAILED).size() > 0, "no failure was injected");
        assertEquals(0, run.scaler().loops().stream()
                .mapToLong(l -> l.state().instances().values().stream().filter(i -> i.phase() == Phase.FAILED).count())
                .sum(), "failed instances were left in place");
        assertEquals(1, run.world().azure().instanceCount("linux-vmss"));
        assertEquals(0, run.world().azure().instanceCount("big-vmss"));
    }
}
