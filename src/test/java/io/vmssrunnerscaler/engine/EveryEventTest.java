package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@link PoolEvent} is handled: each is fed to the engine on a pool with something
 * in every phase and call in flight, and shows its effect. A new kind of event fails here until it
 * has a sample below, and in the engine until it has a rule: Java 17 checks neither.
 */
class EveryEventTest {
    private static final Instant NOW = T0.plusSeconds(60);
    private static final long DRAIN = 10;
    private static final long REIMAGE = 11;
    private static final long CAPACITY = 12;

    /** An event, what it should do, and how to see that it did. */
    private record Sample(PoolEvent event, String effect, BiPredicate<PoolState, Decision> shows) {}

    /**
     * Booting "0", idle "1", busy "2" (job 5), draining "3" (drain 10), re-imaging "4"
     * (operation 11), a capacity change (12) in flight, job 9 waiting; listed once.
     */
    private static PoolState pool() {
        TreeMap<String, Instance> instances = new TreeMap<>(Operation.INSTANCE_ID_ORDER);
        for (Instance i : List.of(Pools.provisioning("0", T0), Pools.idle("1", T0), Pools.busy("2", 5),
                Pools.instance("3", Phase.DRAINING, T0, 0), Pools.instance("4", Phase.REIMAGING, T0, 0))) {
            instances.put(i.instanceId(), i);
        }
        List<Operation> operations = List.of(
                new Operation(DRAIN, Operation.Kind.DRAIN, List.of("3"), 0, T0),
                new Operation(REIMAGE, Operation.Kind.REIMAGE, List.of("4"), 0, T0),
                new Operation(CAPACITY, Operation.Kind.SET_CAPACITY, List.of(), 6, T0));
        return new PoolState(Pools.spec().max(8).build(), instances,
                Map.of(9L, new PoolState.QueuedJob(T0, "octo-org/app")), Map.of(), Map.of(), operations,
                CAPACITY + 1, 1, 0, 0, Instant.EPOCH, Optional.empty(), Optional.empty());
    }

    /** The instance's phase, or null when the pool has no such instance. */
    private static Phase phase(Decision d, String id) {
        Instance i = d.state().instances().get(id);
        return i == null ? null : i.phase();
    }

    private static boolean has(Decision d, PoolCommand command) {
        return d.commands().contains(command);
    }

    /** One sample per kind of event; fails for a kind it does not know. */
    private static Sample sample(Class<?> type) {
        if (type == PoolEvent.JobQueued.class) {
            return new Sample(new PoolEvent.JobQueued(20), "job 20 waits",
                    (s, d) -> d.state().queued().containsKey(20L));
        } else if (type == PoolEvent.JobHandedOff.class) {
            return new Sample(new PoolEvent.JobHandedOff(9), "job 9 no longer waits here",
                    (s, d) -> !d.state().queued().containsKey(9L) && has(d, new PoolCommand.ForgetQueued(9)));
        } else if (type == PoolEvent.JobStarted.class) {
            return new Sample(new PoolEvent.JobStarted(9, name("1")), "1 runs job 9",
                    (s, d) -> phase(d, "1") == Phase.BUSY && d.state().instances().get("1").jobId() == 9);
        } else if (type == PoolEvent.BusyRestored.class) {
            return new Sample(new PoolEvent.BusyRestored(name("1"), 9, "octo-org/app"), "1 runs job 9, as the store says",
                    (s, d) -> phase(d, "1") == Phase.BUSY && d.state().instances().get("1").jobId() == 9);
        } else if (type == PoolEvent.InstanceEvicted.class) {
            return new Sample(new PoolEvent.InstanceEvicted(name("2"), PoolEvent.EvictionKind.PREEMPT),
                    "2 is evicted and job 5 lost with it",
                    (s, d) -> phase(d, "2") == Phase.EVICTED && d.commands().stream().anyMatch(
                            c -> c instanceof PoolCommand.JobLost l && l.jobId() == 5
                                    && l.reason() == PoolCommand.LostReason.EVICTED));
        } else if (type == PoolEvent.JobCompleted.class) {
            return new Sample(new PoolEvent.JobCompleted(5, name("2")), "job 5 is over",
                    (s, d) -> d.state().endedJobs().containsKey(5L) && phase(d, "2") == Phase.FINISHED);
        } else if (type == PoolEvent.RunnerConfigRequested.class) {
            return new Sample(new PoolEvent.RunnerConfigRequested(name("0")), "0 gets its configuration",
                    (s, d) -> has(d, new PoolCommand.GrantRunnerConfig(name("0"), "0")));
        } else if (type == PoolEvent.RunnerConfigFailed.class) {
            return new Sample(new PoolEvent.RunnerConfigFailed(name("1")), "1 may ask again",
                    (s, d) -> phase(d, "1") == Phase.PROVISIONING);
        } else if (type == PoolEvent.RunnerJobStarted.class) {
            return new Sample(new PoolEvent.RunnerJobStarted(name("1")), "1 is busy",
                    (s, d) -> phase(d, "1") == Phase.BUSY);
        } else if (type == PoolEvent.RunnerJobFinishing.class) {
            return new Sample(new PoolEvent.RunnerJobFinishing(name("2")), "2 is finishing",
                    (s, d) -> phase(d, "2") == Phase.FINISHING);
        } else if (type == PoolEvent.RunnerRemoved.class) {
            return new Sample(new PoolEvent.RunnerRemoved(name("3"), DRAIN), "3's drain is over, and so is 3",
                    (s, d) -> phase(d, "3") == Phase.FINISHED && d.state().operations().stream().noneMatch(o -> o.id() == DRAIN));
        } else if (type == PoolEvent.RunnerRemovalRefused.class) {
            return new Sample(new PoolEvent.RunnerRemovalRefused(name("3"), DRAIN, "busy"), "3 is back in service",
                    (s, d) -> phase(d, "3") == Phase.IDLE);
        } else if (type == PoolEvent.InstancesObserved.class) {
            return new Sample(new PoolEvent.InstancesObserved(CAPACITY + 1, List.of(Pools.ok("0"), Pools.ok("1"),
                    Pools.ok("2"), Pools.ok("3"), Pools.ok("4"), Pools.ok("5"))), "5 joins the pool",
                    (s, d) -> phase(d, "5") == Phase.PROVISIONING && d.state().lastListApplied() == CAPACITY + 1);
        } else if (type == PoolEvent.OperationSucceeded.class) {
            return new Sample(new PoolEvent.OperationSucceeded(REIMAGE), "4 is fresh",
                    (s, d) -> phase(d, "4") == Phase.PROVISIONING);
        } else if (type == PoolEvent.OperationFailed.class) {
            return new Sample(new PoolEvent.OperationFailed(REIMAGE, "boom"), "4 failed",
                    (s, d) -> phase(d, "4") == Phase.FAILED && d.state().lastFailure().isPresent());
        } else if (type == PoolEvent.CapacityRefused.class) {
            return new Sample(new PoolEvent.CapacityRefused(CAPACITY, "OperationNotAllowed", "quota"), "growth backs off",
                    (s, d) -> d.state().refusesGrowthAt(NOW));
        } else if (type == PoolEvent.RunnersObserved.class) {
            return new Sample(new PoolEvent.RunnersObserved(T0.plusSeconds(30), List.of(
                    new ObservedRunner(name("1"), true, false, true))), "2's runner is gone: its job is over",
                    (s, d) -> d.state().endedJobs().containsKey(5L) && phase(d, "2") == Phase.FINISHED);
        } else if (type == PoolEvent.MarkersObserved.class) {
            return new Sample(new PoolEvent.MarkersObserved(Set.of(), Set.of()), "the store is repaired",
                    (s, d) -> d.commands().stream().anyMatch(c -> c instanceof PoolCommand.MarkBusy m && m.runnerName().equals(name("2")))
                            && has(d, new PoolCommand.RememberQueued(9, "octo-org/app", T0)));
        } else if (type == PoolEvent.RefreshRequested.class) {
            return new Sample(new PoolEvent.RefreshRequested(), "a listing is asked for",
                    (s, d) -> d.commands().stream().anyMatch(c -> c instanceof PoolCommand.ListInstances));
        } else if (type == PoolEvent.PreferenceChanged.class) {
            return new Sample(new PoolEvent.PreferenceChanged(true), "another scale set is preferred now",
                    (s, d) -> d.state().preferredElsewhere());
        } else if (type == PoolEvent.PauseSet.class) {
            return new Sample(new PoolEvent.PauseSet(true), "paused, and the capacity it would ask for is not asked",
                    (s, d) -> d.state().paused() && d.commands().stream().noneMatch(c -> c instanceof PoolCommand.SetCapacity));
        } else if (type == PoolEvent.OverridesSet.class) {
            return new Sample(new PoolEvent.OverridesSet(2, 3, 1), "sized by the overrides",
                    (s, d) -> d.state().sizing().equals(new Sizing(2, 1, 3, s.spec().freePercent(), "")));
        } else if (type == PoolEvent.DrainRequested.class) {
            return new Sample(new PoolEvent.DrainRequested("1"), "1 is drained at an operator's request",
                    (s, d) -> phase(d, "1") == Phase.DRAINING);
        } else if (type == PoolEvent.RunnerOnline.class) {
            // Only observers act on it: the engine decides as on a tick.
            return new Sample(new PoolEvent.RunnerOnline(name("1")), "nothing but what a tick does",
                    (s, d) -> d.state().instances().equals(new ScalingEngine().decide(s, new PoolEvent.Tick(), NOW)
                            .state().instances()));
        } else if (type == PoolEvent.Tick.class) {
            return new Sample(new PoolEvent.Tick(), "nothing is due yet",
                    (s, d) -> d.state().instances().equals(s.instances()));
        }
        throw new AssertionError("no sample of " + type.getName() + ": add one to EveryEventTest and a rule to ScalingEngine");
    }

    static Stream<Class<?>> eventTypes() {
        return SealedTypes.leaves(PoolEvent.class).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void everyKindOfEventIsHandled(Class<?> type) {
        Sample sample = sample(type);
        assertEquals(type, sample.event().getClass());
        PoolState before = pool();

        Decision d = assertDoesNotThrow(() -> new ScalingEngine().decide(before, sample.event(), NOW));

        assertTrue(sample.shows().test(before, d), () -> sample.effect() + "; got " + d);
        if (type != PoolEvent.Tick.class && type != PoolEvent.RunnerOnline.class) {
            Decision ticked = new ScalingEngine().decide(before, new PoolEvent.Tick(), NOW);
            assertFalse(sample.shows().test(before, ticked), () -> "a mere tick shows it too: " + sample.effect());
        }
    }

    @Test
    void anEventTheEngineHasNoRuleForIsRefusedLoudly() {
        // null stands for a kind added to PoolEvent without a rule: it must not pass as a tick.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScalingEngine().decide(pool(), null, NOW));
        assertTrue(e.getMessage().startsWith("unhandled event"), e.getMessage());
    }
}
