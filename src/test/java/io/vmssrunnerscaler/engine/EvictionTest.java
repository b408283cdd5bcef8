package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.PoolCommand.ClearBusy;
import io.vmssrunnerscaler.engine.PoolCommand.JobLost;
import io.vmssrunnerscaler.engine.PoolCommand.LostReason;
import io.vmssrunnerscaler.engine.PoolCommand.RemoveStaleRunner;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An eviction notice takes an instance out of the pool at once: its job is lost, its runner is
 * removed at GitHub, and its capacity is replaced. Instances that vanish or whose runner dies
 * under a job are recorded lost the same way; nothing else is touched.
 */
class EvictionTest {

    private static Scenario pool(Instance... instances) {
        return Scenario.with(Pools.spec().min(1).max(6).build(), instances);
    }

    private static Scenario evicted(Scenario s, String id) {
        return s.on(new PoolEvent.InstanceEvicted(name(id), EvictionKind.PREEMPT));
    }

    @Test
    void aBusyInstanceEvictedLosesItsJobAndIsReplacedAtOnce() {
        Scenario s = pool(Pools.busy("0", 41), Pools.idle("1", T0)).started(41, name("0"));
        s = evicted(s.at(Duration.ofSeconds(5)), "0");

        assertEquals(Phase.EVICTED, s.phase("0"));
        assertEquals(List.of(new JobLost(41, "", name("0"), LostReason.EVICTED)), s.commands(JobLost.class));
        assertEquals(List.of(new RemoveStaleRunner(name("0"))), s.commands(RemoveStaleRunner.class));
        assertEquals(List.of(new ClearBusy(name("0"))), s.commands(ClearBusy.class), "a restart must not take it for busy");
        assertFalse(s.instance("0").marked());
        // Demand 0 now, min 1, one idle: nothing to grow. The evicted one no longer counts as capacity.
        assertEquals(1, s.state().live());
        assertEquals(0, s.state().busy());
        assertTrue(s.state().endedJobs().containsKey(41L), "a late delivery for the job changes nothing");
    }

    @Test
    void capacityForAnEvictedRunnerIsAskedForAtOnceAboveTheEvictedOne() {
        // Demand: 1 busy + 1 queued = 2, x1.25 -> 3 live wanted, and 3 live: steady.
        Scenario s = Scenario.withQueued(Pools.spec().min(1).max(6).build(), List.of(43L),
                Pools.busy("0", 41), Pools.idle("1", T0), Pools.idle("2", T0)).tick();
        assertEquals(Optional.empty(), s.capacity());
        s = evicted(s, "1");
        // Azure still counts the evicted VM until it deletes it, so the absolute target keeps it: 3 + 1.
        assertEquals(Optional.of(4), s.capacity());
    }

    @Test
    void anIdleInstanceEvictedLosesNoJob() {
        Scenario s = evicted(pool(Pools.idle("0", T0), Pools.idle("1", T0)), "0");
        assertEquals(Phase.EVICTED, s.phase("0"));
        assertEquals(List.of(), s.commands(JobLost.class));
        assertEquals(List.of(new RemoveStaleRunner(name("0"))), s.commands(RemoveStaleRunner.class));
    }

    @Test
    void aJobWhoseCompletedHookRanIsNotLost() {
        Scenario s = evicted(pool(Pools.finishing("0", 41, T0), Pools.idle("1", T0)), "0");
        assertEquals(Phase.EVICTED, s.phase("0"));
        assertEquals(List.of(), s.commands(JobLost.class));
    }

    @Test
    void aRepeatedNoticeChangesNothing() {
        Scenario s = evicted(pool(Pools.busy("0", 41), Pools.idle("1", T0)), "0");
        PoolState once = s.state();
        s = evicted(s.at(Duration.ofSeconds(3)), "0");
        assertEquals(List.of(), s.commands());
        assertEquals(once.instances(), s.state().instances());
        assertEquals(1, s.state().evictions().size());
    }

    @Test
    void aNoticeForAnInstanceBeingDeletedOrUnknownChangesNothing() {
        Scenario s = pool(Pools.instance("0", Phase.DELETING, T0, 0), Pools.idle("1", T0));
        PoolState before = s.state();
        s = evicted(s, "0");
        assertEquals(before.instances(), s.state().instances());
        s = s.on(new PoolEvent.InstanceEvicted("someone-else", EvictionKind.TERMINATE));
        assertEquals(before.instances(), s.state().instances());
        assertEquals(List.of(), s.commands());
    }

    @Test
    void anEvictedInstanceLeavesWithTheListingAndIsNotLostAgain() {
        Scenario s = evicted(pool(Pools.busy("0", 41), Pools.idle("1", T0)), "0").refresh().listed("1");
        assertFalse(s.state().instances().containsKey("0"));
        assertEquals(List.of(), s.commands(JobLost.class));
    }

    @Test
    void anEvictedInstanceNoLongerGetsAConfigurationNorEndsAJob() {
        Scenario s = evicted(pool(Pools.provisioning("0", T0), Pools.idle("1", T0)), "0");
        s.configRequested(name("0"));
        assertEquals(List.of(new PoolCommand.RejectRunnerConfig(name("0"), PoolCommand.ConfigRejection.NOT_PROVISIONING)),
                s.commands(PoolCommand.RejectRunnerConfig.class));
        s.completed(41, name("0"));
        assertEquals(Phase.EVICTED, s.phase("0"));
    }

    @Test
    void anEvictedInstanceStillListedStoppedIsDeleted() {
        Scenario s = evicted(pool(Pools.idle("0", T0), Pools.idle("1", T0)), "0").refresh()
                .listedWith(Pools.powered("0", ObservedInstance.PowerState.DEALLOCATED), Pools.ok("1"));
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void anEvictedInstanceStillRunningIsDeletedOnlyOnceItsRunnerIsOfflinePastTheGrace() {
        Scenario s = evicted(pool(Pools.busy("0", 41), Pools.idle("1", T0)), "0");
        s.at(Duration.ofSeconds(60)).on(new PoolEvent.RunnersObserved(s.now(),
                List.of(new ObservedRunner(name("0"), false, false, true))));
        assertEquals(Phase.EVICTED, s.phase("0"), "within the grace");
        s.at(Duration.ofMinutes(5)).on(new PoolEvent.RunnersObserved(s.now(),
                List.of(new ObservedRunner(name("0"), true, true, true))));
        assertEquals(Phase.EVICTED, s.phase("0"), "its runner is still online: a notice from its own job is not enough");
        s.at(Duration.ofMinutes(6)).offline(name("0"));
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void aBusyInstanceThatLeavesTheListingIsLost() {
        Scenario s = pool(Pools.busy("0", 41), Pools.finishing("1", 42, T0), Pools.idle("2", T0)).refresh().listed("2");
        assertEquals(List.of(new JobLost(41, "", name("0"), LostReason.VANISHED)), s.commands(JobLost.class),
                "the finishing one ran its job to the end");
        assertTrue(s.commands(ClearBusy.class).containsAll(List.of(new ClearBusy(name("0")), new ClearBusy(name("1")))));
    }

    @Test
    void aBusyRunnerOfflineWithoutItsEndIsLostButAFinishingOneIsNot() {
        Scenario s = pool(Pools.busy("0", 41), Pools.finishing("1", 42, T0), Pools.idle("2", T0));
        s.at(Duration.ofMinutes(1)).on(new PoolEvent.RunnersObserved(s.now(), List.of(
                new ObservedRunner(name("2"), true, false, true))));
        assertEquals(List.of(new JobLost(41, "", name("0"), LostReason.RUNNER_OFFLINE)), s.commands(JobLost.class));
        assertFalse(s.phase("0").isBusy(), "its job is over: it is recycled");
        assertFalse(s.phase("1").isBusy());
    }

    @Test
    void theJobsRepositoryTravelsFromItsDeliveryToTheLoss() {
        Scenario s = pool(Pools.idle("0", T0), Pools.idle("1", T0))
                .on(new PoolEvent.JobStarted(41, name("0"), "octo-org/app"));
        assertEquals("octo-org/app", s.instance("0").repository());
        assertEquals("octo-org/app", s.commands(PoolCommand.MarkBusy.class).get(0).repository());
        s = evicted(s, "0");
        assertEquals(List.of(new JobLost(41, "octo-org/app", name("0"), LostReason.EVICTED)), s.commands(JobLost.class));
    }

    @Test
    void aRestoredBusyRunnerWhoseInstanceTheFirstListingLacksIsLost() {
        Scenario s = Scenario.empty(Pools.spec().min(0).max(6).build())
                .on(new PoolEvent.BusyRestored(name("7"), 77, "octo-org/app"))
                .on(new PoolEvent.BusyRestored(name("8"), 78, "octo-org/app"))
                .refresh().listed("8");
        assertEquals(List.of(new JobLost(77, "octo-org/app", name("7"), LostReason.VANISHED)), s.commands(JobLost.class));
        assertTrue(s.commands(ClearBusy.class).contains(new ClearBusy(name("7"))));
        assertEquals(Phase.BUSY, s.phase("8"), "the listed one is busy, untouched");
        assertTrue(s.state().endedJobs().containsKey(77L));
        assertFalse(s.state().endedJobs().containsKey(78L));
    }

    @Test
    void aStartByWebhookForAnUnlistedRunnerIsNotTakenForALoss() {
        Scenario s = pool(Pools.idle("1", T0)).on(new PoolEvent.JobStarted(50, "not-ours-1", "octo-org/app"))
                .listed("1");
        assertEquals(List.of(), s.commands(JobLost.class));
    }

    @Test
    void evictionsAreCountedForTheFallbackRule() {
        Scenario s = pool(Pools.idle("0", T0), Pools.idle("1", T0), Pools.idle("2", T0), Pools.idle("3", T0));
        evicted(s, "0");
        evicted(s.at(Duration.ofMinutes(2)), "1");
        assertFalse(often(s.state(), s.now(), 3, Duration.ofMinutes(10), Duration.ofMinutes(30)));
        evicted(s.at(Duration.ofMinutes(4)), "2");
        assertTrue(often(s.state(), s.now(), 3, Duration.ofMinutes(10), Duration.ofMinutes(30)));
        assertTrue(often(s.state(), T0.plus(Duration.ofMinutes(33)), 3, Duration.ofMinutes(10), Duration.ofMinutes(30)));
        assertFalse(often(s.state(), T0.plus(Duration.ofMinutes(34)), 3, Duration.ofMinutes(10), Duration.ofMinutes(30)),
                "the cool-down after the third has passed");
        assertFalse(often(s.state(), s.now(), 3, Duration.ofMinutes(3), Duration.ofMinutes(30)),
                "three within 4 minutes are not three within 3");
    }

    @Test
    void evictionsSpreadOutDoNotTripTheRule() {
        PoolState state = new PoolState(Pools.seed(), new TreeMap<>(), Map.of(), Map.of(), Map.of(), List.of(), 2, 1, 0, 0,
                Instant.EPOCH, Optional.empty(), Optional.empty(),
                List.of(T0, T0.plus(Duration.ofMinutes(11)), T0.plus(Duration.ofMinutes(22))), false, new TreeMap<>(),
                T0.plus(Duration.ofMinutes(22)));
        assertFalse(often(state, T0.plus(Duration.ofMinutes(23)), 3, Duration.ofMinutes(10), Duration.ofMinutes(30)));
        assertTrue(often(state, T0.plus(Duration.ofMinutes(23)), 2, Duration.ofMinutes(12), Duration.ofMinutes(30)));
    }

    @Test
    void manyEvictionsHoldGrowthBackUntilTheCoolDownWhereTheSpecSaysSo() {
        PoolSpec spec = Pools.spec().min(4).max(6).build().withEvictionLimit(
                new PoolSpec.EvictionLimit(2, Duration.ofMinutes(10), Duration.ofMinutes(30)));
        Scenario s = Scenario.with(spec, Pools.idle("0", T0), Pools.idle("1", T0), Pools.idle("2", T0), Pools.idle("3", T0));
        evicted(s, "0");
        assertEquals(Optional.of(5), s.capacity(), "one eviction: replaced at once");
        s.succeed(Operation.Kind.SET_CAPACITY).listed("1", "2", "3", "4");
        evicted(s.at(Duration.ofMinutes(1)), "1");
        assertEquals(Optional.empty(), s.capacity(), "the second within the window holds growth back");
        assertEquals("EvictedOften", s.state().evictionHoldAt(s.now()).orElseThrow().code());
        assertEquals(T0.plus(Duration.ofMinutes(31)), s.state().evictionHoldAt(s.now()).orElseThrow().until());
        s.at(Duration.ofMinutes(31)).tick();
        assertTrue(s.capacity().isPresent(), "grows again after the cool-down");
    }

    @Test
    void aScaleSetWithoutALimitKeepsGrowingWhateverTheEvictions() {
        Scenario s = pool(Pools.idle("0", T0), Pools.idle("1", T0), Pools.idle("2", T0), Pools.idle("3", T0));
        for (String id : List.of("0", "1", "2")) {
            evicted(s, id);
        }
        assertTrue(s.state().growthRefusal().isEmpty() && s.state().evictionHoldAt(s.now()).isEmpty());
    }

    @Test
    void aScaleSetPreferredElsewhereDeletesAfterJobsAndKeepsNoFreeCapacity() {
        Scenario s = Scenario.with(Pools.spec().min(0).max(6).free(100).build(), Pools.busy("0", 41),
                Pools.idle("1", T0)).started(41, name("0"));
        assertEquals(2, s.state().desired());
        s.on(new PoolEvent.PreferenceChanged(true));
        assertEquals(1, s.state().desired(), "only the job it runs");
        s.completed(41, name("0"));
        assertEquals(List.of(), s.reimaged());
        assertEquals(List.of("0"), s.deleted(), "deleted, not re-imaged: the capacity returns to the preferred set");
    }

    /** Whether the evictions held a limit of {@code threshold} within {@code window} at {@code now}. */
    private static boolean often(PoolState state, Instant now, int threshold, Duration window, Duration cooldown) {
        return PoolState.heldByEvictionsUntil(state.evictions(), threshold, window, cooldown).filter(now::isBefore)
                .isPresent();
    }
}
