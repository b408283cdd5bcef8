package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A pool over three scale sets on the virtual clock: new capacity fills the first, then the next;
 * a scale set that refuses capacity is passed over until its back-off ends; a draining one takes
 * no new runners and empties; and the invariants of {@link VirtualRunTest} hold for the whole pool.
 */
class SpanningPoolRunTest {
    static final Instant START = Instant.parse("2026-01-05T08:00:00Z");
    static final Set<String> LABELS = Set.of("self-hosted", "linux");

    /** One scale set of pool "linux": its own loop, max and computer-name prefix. */
    static Pool member(String scaleSet, int min, int max, boolean draining) {
        PoolSpec spec = new PoolSpec(Pool.memberName("linux", scaleSet), LABELS, min, max, 25, AfterJob.REIMAGE_OR_DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(1),
                Duration.ofMinutes(2));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet),
                scaleSet.replace("-", ""), "linux", draining);
    }

    static VirtualRun run(List<Pool> members) {
        return new VirtualRun(members, VirtualRunTest.settings(0), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(60), START).start();
    }

    static void burst(VirtualRun run, List<Pool> members, int jobs) {
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(members), Map.of(), 0, Duration.ofMinutes(3), Duration.ofMinutes(5), 1)
                .burst(jobs, LABELS, null);
    }

    /** Instances per scale set over the run: the highest capacity each one was set to. */
    static Map<String, Integer> peak(SimEventLog log) {
        return log.of(SimEvent.Kind.CAPACITY_SET).stream()
                .collect(Collectors.toMap(SimEvent::scaleSet, SimEvent::value, Math::max));
    }

    @Test
    void capacityFillsTheFirstScaleSetThenTheNextAndEveryJobRuns() {
        List<Pool> members = List.of(member("lin-a", 1, 6, false), member("lin-b", 0, 6, false), member("lin-c", 0, 6, false));
        VirtualRun run = run(members);
        run.runFor(Duration.ofMinutes(2));
        burst(run, members, 14);
        run.runFor(Duration.ofHours(1));

        SimEventLog log = run.world().log();
        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        assertEquals(0, log.of(SimEvent.Kind.MAX_EXCEEDED).size(), "a scale set went above its own max");
        Map<String, Integer> peak = peak(log);
        assertEquals(6, peak.get("lin-a"), "the first scale set fills up first: " + peak);
        assertEquals(6, peak.get("lin-b"), "then the second: " + peak);
        assertTrue(peak.getOrDefault("lin-c", 0) >= 2, "then the third: " + peak);
        assertEquals(1, run.world().azure().instanceCount("lin-a"), "back to the pool's min, kept on the first");
        assertEquals(0, run.world().azure().instanceCount("lin-b"));
        assertEquals(0, run.world().azure().instanceCount("lin-c"));
    }

    @Test
    void aScaleSetThatRefusesCapacityIsPassedOverUntilItsBackOffEnds() {
        List<Pool> members = List.of(member("lin-a", 0, 10, false), member("lin-b", 0, 10, false));
        VirtualRun run = run(members);
        run.world().refuseCapacity("lin-a", "OperationNotAllowed");
        run.runFor(Duration.ofMinutes(1));
        burst(run, members, 6);
        run.runFor(Duration.ofMinutes(1));

        SimEventLog log = run.world().log();
        assertEquals(0, run.world().azure().instanceCount("lin-a"), "the refusing scale set got nothing");
        assertTrue(run.world().azure().instanceCount("lin-b") >= 6, "the pool grew on the next scale set");
        assertTrue(run.scaler().loop("linux@lin-a").orElseThrow().state().growthRefusal().isPresent());

        // Quota granted: once its back-off (2 min) is over, new demand goes to the first again.
        run.world().refuseCapacity("lin-a", null);
        run.runFor(Duration.ofMinutes(3));
        burst(run, members, 4);
        run.runFor(Duration.ofHours(1));
        WorldInvariants.everyJobRan(log);
        WorldInvariants.nothingBusyTouched(log);
        assertTrue(peak(log).getOrDefault("lin-a", 0) >= 1, "the first scale set serves again: " + peak(log));
        assertTrue(run.scaler().loop("linux@lin-a").orElseThrow().state().growthRefusal().isEmpty(),
                "a capacity change that succeeded ends the refusal");
    }

    @Test
    void jobsWaitingOnAScaleSetThatStartsRefusingMoveToTheNext() {
        List<Pool> members = List.of(member("lin-a", 0, 10, false), member("lin-b", 0, 10, false));
        VirtualRun run = run(members);
        run.runFor(Duration.ofMinutes(1));
        run.world().refuseCapacity("lin-a", "ZonalAllocationFailed");
        burst(run, members, 5); // queued on lin-a first, which then refuses
        run.runFor(Duration.ofMinutes(1));
        assertTrue(run.scaler().loop("linux@lin-a").orElseThrow().state().queued().isEmpty(),
                "the waiting jobs left the refusing scale set");
        run.runFor(Duration.ofMinutes(30));
        WorldInvariants.everyJobRan(run.world().log());
        assertEquals(0, run.world().azure().instanceCount("lin-a"));
    }

    @Test
    void aDrainingScaleSetTakesNoNewRunners() {
        List<Pool> members = List.of(member("lin-a", 0, 10, true), member("lin-b", 0, 10, false));
        VirtualRun run = run(members);
        run.runFor(Duration.ofMinutes(1));
        burst(run, members, 6);
        run.runFor(Duration.ofHours(1));
        WorldInvariants.everyJobRan(run.world().log());
        WorldInvariants.nothingBusyTouched(run.world().log());
        assertEquals(0, peak(run.world().log()).getOrDefault("lin-a", 0), "the draining scale set grew");
        assertTrue(peak(run.world().log()).get("lin-b") >= 6);
    }
}
