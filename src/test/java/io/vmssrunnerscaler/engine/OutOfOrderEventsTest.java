package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.GRACE;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Duplicated, late and out-of-order deliveries change nothing wrongly. */
class OutOfOrderEventsTest {
    private final ScalingEngine engine = new ScalingEngine();

    /** Two idle, one busy with job 5, job 9 queued: desired ceil(2 x 1.25) = 3 = live. */
    private static PoolState base() {
        return Scenario.withQueued(Pools.seed(), List.of(9L),
                Pools.idle("0", T0), Pools.idle("1", T0), Pools.busy("2", 5)).state();
    }

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of("queued", new PoolEvent.JobQueued(10)),
                Arguments.of("queued again", new PoolEvent.JobQueued(9)),
                Arguments.of("in_progress", new PoolEvent.JobStarted(9, name("0"))),
                Arguments.of("in_progress never queued", new PoolEvent.JobStarted(11, name("1"))),
                Arguments.of("in_progress unknown runner", new PoolEvent.JobStarted(12, name("7"))),
                Arguments.of("completed", new PoolEvent.JobCompleted(5, name("2"))),
                Arguments.of("completed while queued", new PoolEvent.JobCompleted(9, null)),
                Arguments.of("job-started hook", new PoolEvent.RunnerJobStarted(name("1"))),
                Arguments.of("job-completed hook", new PoolEvent.RunnerJobFinishing(name("2"))),
                Arguments.of("busy runner gone at GitHub", new PoolEvent.RunnersObserved(T0.plusSeconds(1),
                        List.of(new ObservedRunner(name("0"), true, false, true), new ObservedRunner(name("1"), true, false, true)))),
                Arguments.of("config failed", new PoolEvent.RunnerConfigFailed(name("0"))),
                Arguments.of("runner removed, not draining", new PoolEvent.RunnerRemoved(name("0"), 9_999)),
                Arguments.of("removal refused, not draining", new PoolEvent.RunnerRemovalRefused(name("1"), 9_999, "busy")),
                Arguments.of("refresh", new PoolEvent.RefreshRequested()),
                Arguments.of("tick", new PoolEvent.Tick()));
    }

    @ParameterizedTest(name = "{0} delivered twice: the second changes nothing")
    @MethodSource("events")
    void aRepeatedDeliveryChangesNothing(String label, PoolEvent event) {
        Decision first = engine.decide(base(), event, T0.plusSeconds(1));
        Decision second = engine.decide(first.state(), event, T0.plusSeconds(1));

        assertEquals(List.of(), second.commands());
        assertEquals(first.state(), second.state());
    }

    @Test
    void aRepeatedOperationSucceededChangesNothing() {
        PoolSpec spec = Pools.spec().min(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7), Pools.idle("1", T0)).completed(7, name("0"));
        long reimage = s.op(Operation.Kind.REIMAGE).id();
        s.succeed(Operation.Kind.REIMAGE).configRequested(name("0"));
        PoolState before = s.state();

        s.on(new PoolEvent.OperationSucceeded(reimage));

        assertEquals(List.of(), s.commands());
        assertEquals(before, s.state());
        assertEquals(Phase.IDLE, s.phase("0"));
    }

    @Test
    void aRepeatedCapacitySuccessAsksForOneListing() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).queued(1);
        long change = s.op(Operation.Kind.SET_CAPACITY).id();
        s.on(new PoolEvent.OperationSucceeded(change));
        assertTrue(s.listRequested());
        PoolState before = s.state();

        s.on(new PoolEvent.OperationSucceeded(change));
        assertEquals(List.of(), s.commands());
        assertEquals(before, s.state());
    }

    @Test
    void aRepeatedFailureBacksOffOnce() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).refresh();
        long list = s.op(Operation.Kind.LIST).id();
        s.on(new PoolEvent.OperationFailed(list, "boom")).on(new PoolEvent.OperationFailed(list, "boom"));
        assertEquals(1, s.state().consecutiveFailures());
        assertEquals(s.now().plusSeconds(5), s.state().backoffUntil());
    }

    @Test
    void resultsForUnknownOperationsChangeNothing() {
        PoolState before = base();
        for (PoolEvent e : List.of(new PoolEvent.OperationSucceeded(999), new PoolEvent.OperationFailed(999, "x"))) {
            Decision d = engine.decide(before, e, T0);
            assertEquals(List.of(), d.commands());
            assertEquals(0, d.state().consecutiveFailures());
            assertEquals(before.instances(), d.state().instances());
        }
    }

    @Test
    void theSameListingTwiceChangesNothing() {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0)).refresh();
        long list = s.op(Operation.Kind.LIST).id();
        s.observed(list, Pools.ok("0"), Pools.ok("1"));
        PoolState before = s.state();
        s.observed(list, Pools.ok("0"), Pools.ok("1"));
        assertEquals(List.of(), s.commands());
        assertEquals(before, s.state());
    }

    @ParameterizedTest(name = "completed (runner {0}) before in_progress: late in_progress and queued ignored")
    @CsvSource(value = {"runner-0", "NULL"}, nullValues = "NULL")
    void completedBeforeInProgress(String runner) {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.idle("1", T0)).queued(5);
        assertEquals(2, s.state().desired());

        s.completed(5, runner);
        assertTrue(s.state().queued().isEmpty());

        s.started(5, name("0"));
        assertNotEquals(Phase.BUSY, s.phase("0"));
        assertEquals(List.of(), s.commands(PoolCommand.MarkBusy.class));
        assertEquals(0, s.state().busy());

        s.queued(5);
        assertTrue(s.state().queued().isEmpty(), "a late queued does not bring the job back");
        assertEquals(List.of(), s.commands());
    }

    @Test
    void aRunnerStartedOnAJobNeverSeenQueued() {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.idle("1", T0)).started(9, name("0"));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertEquals(9, s.instance("0").jobId());
        assertEquals(List.of(new PoolCommand.MarkBusy(name("0"), "0", 9, T0)), s.commands(PoolCommand.MarkBusy.class));
        assertEquals(2, s.state().desired());

        s.queued(9);
        assertTrue(s.state().queued().isEmpty(), "a late queued for a running job is not demand");
        assertEquals(2, s.state().desired());
    }

    static Stream<Arguments> startsBeforeListing() {
        return Stream.of(
                Arguments.of("in_progress", List.of(new PoolEvent.JobStarted(9, name("5"))), 9L),
                Arguments.of("hook", List.of(new PoolEvent.RunnerJobStarted(name("5"))), 0L),
                Arguments.of("hook then in_progress",
                        List.of(new PoolEvent.RunnerJobStarted(name("5")), new PoolEvent.JobStarted(9, name("5"))), 9L),
                Arguments.of("in_progress then hook",
                        List.of(new PoolEvent.JobStarted(9, name("5")), new PoolEvent.RunnerJobStarted(name("5"))), 9L),
                Arguments.of("in_progress, other case",
                        List.of(new PoolEvent.JobStarted(9, name("5").toUpperCase())), 9L),
                Arguments.of("in_progress then late queued",
                        List.of(new PoolEvent.JobStarted(9, name("5")), new PoolEvent.JobQueued(9)), 9L));
    }

    @ParameterizedTest(name = "{0}, then the listing: busy with job {2}")
    @MethodSource("startsBeforeListing")
    void aRunnerThatStartedBeforeItsInstanceWasListedIsBusyOnceListed(String label, List<PoolEvent> events, long job) {
        Scenario s = Scenario.with(Pools.spec().min(0).build());
        for (PoolEvent e : events) {
            s.on(e);
            assertEquals(List.of(), s.commands(PoolCommand.MarkBusy.class), "nothing known to mark yet");
        }
        assertEquals(1, s.inFlight(Operation.Kind.LIST).size(), "learn the instance first");
        assertTrue(s.state().queued().isEmpty());

        s.at(Duration.ofSeconds(3)).listed("5");

        assertEquals(Phase.BUSY, s.phase("5"));
        assertEquals(job, s.instance("5").jobId());
        assertEquals(List.of(new PoolCommand.MarkBusy(name("5"), "5", job, s.now())),
                s.commands(PoolCommand.MarkBusy.class));
        assertTrue(s.state().orphanStarts().isEmpty());
        assertEquals(2, s.state().desired(), "one busy, 25 % free");
    }

    @Test
    void aJobThatEndedBeforeItsInstanceWasListedLeavesItNotBusy() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).started(9, name("5")).completed(9, name("5"));
        s.listed("5");
        assertEquals(Phase.PROVISIONING, s.phase("5"));
        assertEquals(List.of(), s.commands(PoolCommand.MarkBusy.class));
    }

    @Test
    void anOrphanStartThatIsNeverListedIsForgotten() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).started(9, name("5"));
        s.tickAt(Pools.QUEUED_MAX_AGE.plusSeconds(1));
        assertTrue(s.state().orphanStarts().isEmpty());
    }

    @Test
    void aStaleListingIsIgnored() {
        Scenario s = Scenario.with(Pools.spec().min(0).build(), Pools.idle("0", T0), Pools.idle("1", T0))
                .observed(5, Pools.ok("0"), Pools.ok("1"), Pools.ok("2"));
        assertEquals(5, s.state().lastListApplied());
        PoolState before = s.state();

        s.observed(3, Pools.ok("0"));
        assertEquals(before.instances(), s.state().instances(), "an older listing removes nothing");
        s.observed(4, Pools.ok("0"), Pools.ok("1"), Pools.ok("2"), Pools.ok("7"));
        assertEquals(before.instances(), s.state().instances(), "and adds nothing");
        s.observed(2, Pools.ok("0"), Pools.failed("1"), Pools.ok("2"));
        assertEquals(before.instances(), s.state().instances(), "nor fails anything");
        assertEquals(List.of(), s.commands());
        assertEquals(5, s.state().lastListApplied());
    }

    /** How the job on the instance ended before the late delivery arrives. */
    enum Ended { OFFLINE, GRACE_PASSED }

    /**
     * A job that ended without its webhook (runner offline, or the grace period) gets its
     * {@code completed} or {@code in_progress} late, after its instance was re-imaged and took a
     * fresh configuration under the same name: the fresh runner must not be touched.
     */
    @ParameterizedTest(name = "ended by {0}, then a late {1} for the old job")
    @CsvSource({
        "OFFLINE,      completed",
        "OFFLINE,      in_progress",
        "GRACE_PASSED, completed",
        "GRACE_PASSED, in_progress",
    })
    void aLateDeliveryForAnOldJobDoesNotTouchTheReimagedInstance(Ended ended, String late) {
        PoolSpec spec = Pools.spec().min(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7), Pools.idle("1", T0)).at(Duration.ofMinutes(1));
        if (ended == Ended.OFFLINE) {
            s.offline(name("0"));
        } else {
            s.finishing(name("0")).tickAt(Duration.ofMinutes(1).plus(GRACE));
        }
        assertEquals(List.of("0"), s.reimaged());
        s.succeed(Operation.Kind.REIMAGE).configRequested(name("0"));
        assertEquals(Phase.IDLE, s.phase("0"));
        PoolState fresh = s.state();

        s.after(Duration.ofSeconds(30)).on(late.equals("completed")
                ? new PoolEvent.JobCompleted(7, name("0"))
                : new PoolEvent.JobStarted(7, name("0")));

        assertEquals(Phase.IDLE, s.phase("0"));
        assertEquals(List.of(), s.commands());
        assertEquals(fresh.instances(), s.state().instances());
        assertFalse(s.state().queued().containsKey(7L));
    }
}
