package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An operator's pause, sizing overrides and drains, as the engine applies them (issue 17). */
class PoolControlTest {
    private static final PoolSpec SPEC = Pools.spec().min(1).max(10).free(0).afterJob(AfterJob.REIMAGE_OR_DELETE).build();

    @Test
    void aPausedPoolAsksForNoCapacityAndJobsKeepWaiting() {
        Scenario s = Scenario.with(SPEC, Pools.busy("0", 100)).on(new PoolEvent.PauseSet(true)).queued(1, 2, 3);

        assertEquals(Optional.empty(), s.capacity(), "no capacity while paused");
        assertEquals(3, s.state().queued().size());
        assertTrue(s.state().paused());
        assertEquals(Phase.BUSY, s.phase("0"), "the busy runner is untouched");

        Scenario resumed = s.on(new PoolEvent.PauseSet(false));
        assertEquals(Optional.of(4), resumed.capacity(), "resumed: the waiting jobs get capacity at once");
    }

    @Test
    void aPausedPoolDeletesFinishedInstancesInsteadOfReimagingThem() {
        Scenario running = Scenario.withQueued(SPEC, List.of(7L, 8L), Pools.busy("0", 100))
                .on(new PoolEvent.PauseSet(true)).completed(100, name("0"));

        assertEquals(List.of(), running.reimaged(), "no new runner boots while paused");
        assertEquals(List.of("0"), running.deleted());
        Scenario notPaused = Scenario.withQueued(SPEC, List.of(7L, 8L), Pools.busy("0", 100)).completed(100, name("0"));
        assertEquals(List.of("0"), notPaused.reimaged(), "the same pool not paused re-images it");
    }

    @Test
    void overridesReplaceTheSizingInForceUntilReset() {
        Scenario uncapped = Scenario.with(SPEC, Pools.busy("0", 100)).queued(1, 2, 3, 4, 5, 6);
        Scenario capped = Scenario.with(SPEC, Pools.busy("0", 100)).on(new PoolEvent.OverridesSet(null, 3, null))
                .queued(1, 2, 3, 4, 5, 6);

        assertEquals(3, capped.op(Operation.Kind.SET_CAPACITY).capacity(), "max 3 from the override, not the configured 10");
        assertEquals(new Sizing(1, 0, 3, 0, ""), capped.state().sizing());
        assertEquals(Optional.of(7), uncapped.capacity(), "without the override the demand is met");

        Scenario raised = Scenario.with(SPEC, Pools.idle("0", Pools.T0)).on(new PoolEvent.OverridesSet(4, null, 2));
        assertEquals(Optional.of(4), raised.capacity(), "min 4 from the override");
        assertEquals(new Sizing(4, 2, 10, 0, ""), raised.state().sizing());

        Scenario reset = raised.on(new PoolEvent.OverridesSet(null, null, null));
        assertEquals(SPEC.ownSizing(), reset.state().sizing());
        assertEquals(PoolControl.NONE, reset.state().control());
    }

    @Test
    void anOverriddenMaxBelowTheMinimumInForceLowersItAndMinAboveMaxIsRefused() {
        PoolSpec floor = Pools.spec().min(5).max(10).free(0).build();
        assertEquals(new Sizing(2, 0, 2, 0, ""), new PoolControl(false, null, 2, null).applyTo(floor.ownSizing()));
        assertThrows(IllegalArgumentException.class, () -> new PoolControl(false, 4, 3, null));
        assertThrows(IllegalArgumentException.class, () -> new PoolControl(false, null, 0, null));
    }

    @Test
    void anOperatorDrainRemovesAnIdleRunnerAtGitHubThenRecyclesIt() {
        Scenario s = Scenario.with(SPEC, Pools.idle("0", Pools.T0), Pools.busy("1", 100))
                .at(Duration.ofSeconds(5)).on(new PoolEvent.DrainRequested("0"));

        assertEquals(Phase.DRAINING, s.phase("0"), "drained although not surplus and not cooled down");
        assertEquals(List.of("0"), s.drained());
        Scenario removed = s.removed(name("0"));
        assertEquals(List.of("0"), removed.deleted(), "recycled: deleted, as the busy runner meets the minimum");
    }

    @Test
    void anOperatorDrainNeverTouchesABusyRunner() {
        Scenario s = Scenario.with(SPEC, Pools.busy("1", 100)).on(new PoolEvent.DrainRequested("1"));

        assertEquals(Phase.BUSY, s.phase("1"));
        assertEquals(List.of(), s.commands());
        assertEquals(List.of(), Scenario.with(SPEC, Pools.busy("1", 100)).on(new PoolEvent.DrainRequested("9"))
                .commands(), "an unknown instance: nothing");
    }

    @Test
    void aRunnerOnlineNoticeChangesNoDecision() {
        Scenario s = Scenario.with(SPEC, Pools.idle("0", Pools.T0));
        Scenario after = s.on(new PoolEvent.RunnerOnline(name("0")));

        assertEquals(List.of(), after.commands());
        assertEquals(Scenario.timeless(s.state()), Scenario.timeless(after.state()));
    }
}
