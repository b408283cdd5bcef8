package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.COOLDOWN;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.PoolCommand.MarkBusy;
import io.vmssrunnerscaler.engine.PoolCommand.RemoveRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ADR 2: a surplus idle instance is drained at GitHub before its VM goes. Removed: FINISHED, then
 * deleted (or re-imaged if the pool needs it again). Refused: back to IDLE, cool-down restarted.
 * A job start while draining makes it BUSY, and it is never deleted under the job.
 */
class DrainTest {
    private static final Instant LONG_AGO = T0.minus(Duration.ofHours(1));
    private static final Duration LATER = Duration.ofSeconds(10);
    private static final String DRAINED = "0";

    /** Min 1, no free share: busy "1" (job 100) is demand enough; idle "0", long cooled down, is surplus. */
    private static PoolSpec spec(int max, AfterJob afterJob) {
        return Pools.spec().min(1).max(max).free(0).afterJob(afterJob).build();
    }

    /** "0" draining since T0; the clock at {@link #LATER}. */
    private static Scenario draining(PoolSpec spec) {
        Scenario s = Scenario.with(spec, Pools.idle(DRAINED, LONG_AGO), Pools.busy("1", 100)).tick();
        assertEquals(List.of(DRAINED), s.drained());
        return s.at(LATER);
    }

    private static Scenario draining() {
        return draining(spec(4, AfterJob.REIMAGE_OR_DELETE));
    }

    @Test
    void aSurplusIdleInstanceIsFirstRemovedAtGitHub() {
        Scenario s = Scenario.with(spec(4, AfterJob.REIMAGE_OR_DELETE), Pools.idle(DRAINED, LONG_AGO),
                Pools.busy("1", 100)).tick();

        assertEquals(List.of(new RemoveRunner(name(DRAINED), s.drainId(name(DRAINED)))), s.commands(), "nothing but the removal");
        Instance i = s.instance(DRAINED);
        assertEquals(Phase.DRAINING, i.phase());
        assertEquals(T0, i.since());
        assertTrue(i.configIssued());
        assertEquals(1, s.state().live(), "a draining instance is not live");
        assertEquals(1, s.state().busy(), "nor busy");
        assertEquals(Phase.BUSY, s.phase("1"));

        s.tickAt(Duration.ofHours(1));
        assertEquals(List.of(), s.commands(), "asked once; the answer is awaited however long it takes");
        assertEquals(Phase.DRAINING, s.phase(DRAINED));
    }

    @Test
    void aRemovedRunnersInstanceIsDeletedAndLeaves() {
        Scenario s = draining().removed(name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted());
        assertEquals(List.of(), s.reimaged());
        assertEquals(Phase.DELETING, s.phase(DRAINED));
        assertEquals(List.of(), s.commands(PoolCommand.ClearBusy.class), "it never was busy");

        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of("1"), List.copyOf(s.state().instances().keySet()));
    }

    @Test
    void theRemovalMatchesTheRunnerNameWithoutRegardToCase() {
        Scenario s = draining().removed(name(DRAINED).toUpperCase(Locale.ROOT));
        assertEquals(List.of(DRAINED), s.deleted());
    }

    /**
     * Demand came back while the runner was being removed. Max 2 keeps capacity from growing
     * around the draining instance, so the removed instance is what the pool has to serve it with.
     */
    @ParameterizedTest(name = "{0}, {1} queued meanwhile -> {2}")
    @CsvSource({
        "REIMAGE_OR_DELETE, 0, DELETE",
        "REIMAGE_OR_DELETE, 1, REIMAGE",
        "REIMAGE_OR_DELETE, 2, REIMAGE",   // desired capped at max 2
        "DELETE,            1, DELETE",    // always deleted; capacity grows once the delete is done
    })
    void aRemovedInstanceIsReimagedWhenDemandCameBack(AfterJob afterJob, int queued, Operation.Kind expected) {
        Scenario s = draining(spec(2, afterJob));
        for (long job = 1; job <= queued; job++) {
            s.queued(job);
            assertEquals(Optional.empty(), s.capacity(), "two instances at max 2");
        }

        s.removed(name(DRAINED));

        List<String> drained = List.of(DRAINED);
        assertEquals(expected == Operation.Kind.REIMAGE ? drained : List.of(), s.reimaged());
        assertEquals(expected == Operation.Kind.DELETE ? drained : List.of(), s.deleted());
        assertEquals(expected == Operation.Kind.REIMAGE ? Phase.REIMAGING : Phase.DELETING, s.phase(DRAINED));
        assertEquals(Phase.BUSY, s.phase("1"));
        if (expected == Operation.Kind.REIMAGE) {
            s.succeed(Operation.Kind.REIMAGE);
            assertEquals(Phase.PROVISIONING, s.phase(DRAINED));
            assertFalse(s.instance(DRAINED).configIssued(), "a fresh runner may be configured under the same name");
        } else {
            s.succeed(Operation.Kind.DELETE);
            assertEquals(queued > 0 ? Optional.of(2) : Optional.empty(), s.capacity());
        }
    }

    @Test
    void aRefusedRemovalPutsTheInstanceBackInServiceAndRestartsTheCoolDown() {
        Scenario s = draining().removalRefused(name(DRAINED));
        assertEquals(List.of(), s.commands());
        Instance back = s.instance(DRAINED);
        assertEquals(Phase.IDLE, back.phase());
        assertEquals(T0.plus(LATER), back.since(), "idle again from the refusal");
        assertTrue(back.configIssued(), "still the same configured runner");
        assertEquals(2, s.state().live());
        assertEquals(1, s.state().desired(), "still surplus");

        s.tickAt(LATER.plus(COOLDOWN).minusMillis(1));
        assertEquals(List.of(), s.drained(), "not asked again before a new cool-down");
        assertEquals(Phase.IDLE, s.phase(DRAINED));

        s.tickAt(LATER.plus(COOLDOWN));
        assertEquals(List.of(DRAINED), s.drained(), "asked again once cooled down again");
        s.removed(name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted());
    }

    @Test
    void aRefusedRemovalServesTheNextJob() {
        Scenario s = draining().removalRefused(name(DRAINED)).started(9, name(DRAINED));
        assertEquals(Phase.BUSY, s.phase(DRAINED));
        assertEquals(List.of(new MarkBusy(Pools.name(DRAINED), DRAINED, 9, s.now())), s.commands(MarkBusy.class));
    }

    /** How GitHub's job start reaches the scaler. */
    enum Start {
        WEBHOOK {
            @Override
            void apply(Scenario s) {
                s.started(9, Pools.name(DRAINED));
            }
        },
        HOOK {
            @Override
            void apply(Scenario s) {
                s.runnerStarted(Pools.name(DRAINED));
            }
        };

        abstract void apply(Scenario s);
    }

    /** The answer GitHub gives the removal of a runner it has just handed a job (or a stray one). */
    enum Answer {
        REFUSED {
            @Override
            void apply(Scenario s) {
                s.removalRefused(Pools.name(DRAINED));
            }
        },
        /** Should not happen for a runner with a job, but must not delete it either. */
        REMOVED {
            @Override
            void apply(Scenario s) {
                s.removed(Pools.name(DRAINED));
            }
        },
        /** No answer yet: time passes. */
        NONE {
            @Override
            void apply(Scenario s) {
                s.tick();
            }
        };

        abstract void apply(Scenario s);
    }

    @ParameterizedTest(name = "job start by {0} while draining, then {1}: BUSY, never deleted")
    @CsvSource({
        "WEBHOOK, REFUSED",
        "WEBHOOK, REMOVED",
        "WEBHOOK, NONE",
        "HOOK,    REFUSED",
        "HOOK,    REMOVED",
        "HOOK,    NONE",
    })
    void aJobStartedWhileDrainingMakesItBusyAndKeepsIt(Start start, Answer answer) {
        Scenario s = draining();
        start.apply(s);
        assertEquals(Phase.BUSY, s.phase(DRAINED));
        long job = start == Start.WEBHOOK ? 9 : 0;
        assertEquals(List.of(new MarkBusy(name(DRAINED), DRAINED, job, s.now())), s.commands(MarkBusy.class));
        assertEquals(2, s.state().busy());
        assertTrue(s.deleted().isEmpty() && s.reimaged().isEmpty());

        s.after(Duration.ofSeconds(1));
        answer.apply(s);
        assertEquals(Phase.BUSY, s.phase(DRAINED));
        assertTrue(s.commands(MarkBusy.class).isEmpty() && s.commands(PoolCommand.ClearBusy.class).isEmpty());

        for (Duration d : List.of(COOLDOWN, Duration.ofHours(1), Duration.ofHours(5))) {
            s.tickAt(d);
            assertEquals(Phase.BUSY, s.phase(DRAINED), () -> "at " + d);
            assertFalse(s.deleted().contains(DRAINED) || s.reimaged().contains(DRAINED), () -> "at " + d);
            assertFalse(s.drained().contains(DRAINED), "a busy runner is not drained");
        }

        s.completed(9, name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted(), "the job is over: recycled as usual");
        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of(new PoolCommand.ClearBusy(name(DRAINED))), s.commands(PoolCommand.ClearBusy.class));
    }

    @Test
    void aJobCompletedWhileDrainingEndsTheInstance() {
        Scenario s = draining().completed(9, name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted(), "it ran a job we never saw start: over, not needed");
        assertEquals(List.of(), s.commands(PoolCommand.ClearBusy.class), "it was never marked");
        assertTrue(s.state().endedJobs().containsKey(9L));

        PoolState before = s.state();
        s.removed(name(DRAINED));
        assertEquals(List.of(), s.commands());
        assertEquals(before.instances(), s.state().instances(), "the late answer to the removal changes nothing");
        assertTrue(s.state().operations().stream().noneMatch(o -> o.kind() == Operation.Kind.DRAIN),
                "but the drain is no longer in flight");
        PoolState answered = s.state();
        s.removalRefused(name(DRAINED));
        assertEquals(List.of(), s.commands());
        assertEquals(answered, s.state(), "a second answer finds no drain at all");
    }

    /** While capacity is changing nothing may be deleted, so the FINISHED phase shows. */
    @Test
    void aJobCompletedWhileDrainingLeavesItFinished() {
        Scenario s = draining().queued(5);
        assertEquals(Optional.of(3), s.capacity(), "the draining instance is at Azure: 2 instances + 1 missing");
        s.completed(5, null);

        s.completed(9, name(DRAINED));
        assertEquals(Phase.FINISHED, s.phase(DRAINED));
        assertTrue(s.deleted().isEmpty() && s.reimaged().isEmpty());
        s.removed(name(DRAINED)).removalRefused(name(DRAINED));
        assertEquals(Phase.FINISHED, s.phase(DRAINED), "the answers to the removal change nothing");

        s.succeed(Operation.Kind.SET_CAPACITY).listed(DRAINED, "1", "2");
        assertEquals(List.of(DRAINED), s.deleted());
    }

    @Test
    void aDuplicateRemovalIsHarmless() {
        Scenario s = draining().removed(name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted());
        PoolState deleting = s.state();

        s.removed(name(DRAINED));
        assertEquals(List.of(), s.commands());
        assertEquals(deleting, s.state(), "no second delete");

        s.succeed(Operation.Kind.DELETE);
        PoolState gone = s.state();
        s.removed(name(DRAINED));
        assertEquals(List.of(), s.commands(), "nor a listing for a runner that is gone");
        assertEquals(gone, s.state());
    }

    @Test
    void aDuplicateRefusalIsHarmless() {
        Scenario s = draining().removalRefused(name(DRAINED));
        PoolState idle = s.state();
        s.after(Duration.ofSeconds(20)).removalRefused(name(DRAINED));
        assertEquals(List.of(), s.commands());
        assertEquals(Scenario.timeless(idle), Scenario.timeless(s.state()), "the cool-down is not restarted by a repeat");
    }

    /** Removed then refused, or refused then removed: the first answer counts. */
    @ParameterizedTest(name = "{0} first")
    @EnumSource(value = Answer.class, names = {"REFUSED", "REMOVED"})
    void theFirstAnswerCounts(Answer first) {
        Scenario s = draining();
        first.apply(s);
        Phase after = s.phase(DRAINED);
        assertEquals(first == Answer.REFUSED ? Phase.IDLE : Phase.DELETING, after);
        PoolState before = s.state();

        (first == Answer.REFUSED ? Answer.REMOVED : Answer.REFUSED).apply(s);
        assertEquals(List.of(), s.commands());
        assertEquals(before, s.state());
    }

    /** Why an idle instance is drained again. */
    enum Redrain {
        /** Surplus past its cool-down: the planner drains it. */
        SURPLUS(1) {
            @Override
            void apply(Scenario s) {
                s.tick();
            }
        },
        /** Configured, yet GitHub never showed its runner online within the boot timeout: reconcile drains it. */
        NEVER_ONLINE(2) {
            @Override
            void apply(Scenario s) {
                s.on(new PoolEvent.RunnersObserved(s.now(),
                        List.of(new ObservedRunner(Pools.name("1"), true, true, true))));
            }
        };

        final int min;

        Redrain(int min) {
            this.min = min;
        }

        abstract void apply(Scenario s);
    }

    /**
     * A job landed on a draining runner (DRAINING to BUSY, its drain unanswered); the instance was
     * re-imaged, configured and is idle again under the same name, and is drained anew. The first
     * drain's answer, arriving only now, must not end the second one, whichever rule drains it.
     */
    @ParameterizedTest(name = "drained again as {0}: a late answer to the earlier drain changes nothing")
    @EnumSource(Redrain.class)
    void aLateAnswerToASupersededDrainChangesNothing(Redrain redrain) {
        long earlier = 7;
        Operation unanswered = new Operation(earlier, Operation.Kind.DRAIN, List.of(DRAINED), 0, LONG_AGO);
        PoolState state = Scenario.with(Pools.spec().min(redrain.min).max(4).free(0).build(),
                Pools.idle(DRAINED, T0), Pools.busy("1", 100)).state();
        Scenario s = Scenario.of(new PoolState(state.spec(), state.instances(), state.queued(), state.endedJobs(),
                state.orphanStarts(), List.of(unanswered), earlier + 1, state.lastListApplied(),
                state.growthSettlesWith(), 0, Instant.EPOCH, Optional.empty(), Optional.empty()));

        s.at(Pools.BOOT.plusMinutes(1));
        redrain.apply(s);
        assertEquals(Phase.DRAINING, s.phase(DRAINED));
        PoolState before = s.state();

        for (PoolEvent late : List.of(new PoolEvent.RunnerRemoved(name(DRAINED), earlier),
                new PoolEvent.RunnerRemovalRefused(name(DRAINED), earlier, "runner is busy"))) {
            s.on(late);
            assertEquals(List.of(), s.commands(), late::toString);
            assertEquals(before, s.state(), late::toString);
        }
        assertNotEquals(earlier, s.op(Operation.Kind.DRAIN).id(), "only the new drain is in flight");

        s.removed(name(DRAINED));
        assertTrue(s.phase(DRAINED) == Phase.DELETING || s.phase(DRAINED) == Phase.REIMAGING,
                "the current drain's answer still counts: recycled");
    }

    static Stream<Arguments> answersForInstancesNotDraining() {
        List<Consumer<Scenario>> answers = List.of(
                s -> s.removed(name(DRAINED)),
                s -> s.removalRefused(name(DRAINED)));
        List<String> labels = List.of("RunnerRemoved", "RunnerRemovalRefused");
        return Stream.of(Phase.values()).filter(p -> p != Phase.DRAINING)
                .flatMap(p -> Stream.of(0, 1).map(a -> Arguments.of(labels.get(a), p, answers.get(a))));
    }

    /** An answer for an instance that is not draining has the effect of a mere tick. */
    @ParameterizedTest(name = "{0} while {1}: changes nothing")
    @MethodSource("answersForInstancesNotDraining")
    void anAnswerForAnInstanceNotDrainingChangesNothing(String label, Phase phase, Consumer<Scenario> answer) {
        PoolSpec spec = Pools.spec().min(0).free(0).build();
        Instance i = Pools.instance(DRAINED, phase, LONG_AGO, phase.isBusy() ? 7 : 0);
        Scenario ticked = Scenario.with(spec, i).at(LATER).tick();
        Scenario answered = Scenario.with(spec, i).at(LATER);

        answer.accept(answered);

        assertEquals(ticked.commands(), answered.commands());
        assertEquals(ticked.state(), answered.state());
    }

    @ParameterizedTest(name = "{0} for an unknown runner changes nothing")
    @EnumSource(value = Answer.class, names = {"REFUSED", "REMOVED"})
    void anAnswerForAnUnknownRunnerChangesNothing(Answer answer) {
        Scenario s = draining();
        PoolState before = s.state();
        s.on(answer == Answer.REMOVED ? new PoolEvent.RunnerRemoved(name("7"), 9_999)
                : new PoolEvent.RunnerRemovalRefused(name("7"), 9_999, "not found"));
        assertEquals(List.of(), s.commands(), "no listing: GitHub's runners are not the scale set's instances");
        assertEquals(Scenario.timeless(before), Scenario.timeless(s.state()));
    }

    /** What keeps the pool from shrinking for a while. */
    enum Hold {
        /** A capacity change is in flight. */
        CAPACITY_IN_FLIGHT {
            @Override
            void release(Scenario s) {
                s.succeed(Operation.Kind.SET_CAPACITY);
                s.listed(DRAINED, "1", "2");
            }
        },
        /** The capacity change is done, the listing that shows it is not in yet. */
        SETTLING {
            @Override
            void hold(Scenario s) {
                super.hold(s);
                s.succeed(Operation.Kind.SET_CAPACITY);
            }

            @Override
            void release(Scenario s) {
                s.listed(DRAINED, "1", "2");
            }
        };

        /** Two jobs queued and cancelled: capacity grows to three, and the demand is gone again. */
        void hold(Scenario s) {
            s.queued(5, 6);
            assertEquals(Optional.of(3), s.capacity());
            s.completed(5, null).completed(6, null);
        }

        abstract void release(Scenario s);
    }

    /** Draining only asks GitHub: it goes ahead while capacity changes, the delete waits. */
    @ParameterizedTest(name = "{0}: drained at once, deleted once released")
    @EnumSource(Hold.class)
    void drainingIsNotHeldButTheDeleteIs(Hold hold) {
        PoolSpec spec = spec(4, AfterJob.REIMAGE_OR_DELETE);
        Scenario s = Scenario.with(spec, Pools.idle(DRAINED, T0), Pools.busy("1", 100));
        hold.hold(s);
        assertNotEquals(Phase.DRAINING, s.phase(DRAINED));

        s.tickAt(COOLDOWN);
        assertEquals(List.of(DRAINED), s.drained(), "cooled down: drained although the pool may not shrink yet");

        s.removed(name(DRAINED));
        assertEquals(Phase.FINISHED, s.phase(DRAINED));
        assertTrue(s.deleted().isEmpty() && s.reimaged().isEmpty());

        hold.release(s);
        assertEquals(List.of(DRAINED), s.deleted());
    }

    @Test
    void capacityGrowsAroundADrainingInstanceWithoutShrinkingBelowIt() {
        Scenario s = draining().queued(1);
        assertEquals(2, s.state().desired());
        assertEquals(Optional.of(3), s.capacity(), "the draining one still exists: 2 instances + 1 missing");
    }

    @Test
    void aDrainingInstanceAzureReportsFailedWaitsForGitHubsAnswer() {
        Scenario s = draining().refresh().listedWith(Pools.failed(DRAINED), Pools.ok("1"));
        assertEquals(List.of(), s.deleted(), "GitHub may just have handed it a job: no delete before its answer");
        assertEquals(Phase.DRAINING, s.phase(DRAINED));

        s.removed(name(DRAINED));
        assertEquals(List.of(DRAINED), s.deleted(), "removed at GitHub: safe to delete");
    }

    @Test
    void aDrainingInstanceGoneFromTheListingIsForgotten() {
        Scenario s = draining().refresh().listed("1");
        assertEquals(List.of("1"), List.copyOf(s.state().instances().keySet()));
        assertEquals(List.of(), s.commands(PoolCommand.ClearBusy.class));
        PoolState before = s.state();
        s.removed(name(DRAINED));
        assertEquals(before, s.state());
    }

    @Test
    void aConfigurationRequestWhileDrainingIsRejected() {
        Scenario s = draining().configRequested(name(DRAINED));
        assertEquals(List.of(new PoolCommand.RejectRunnerConfig(name(DRAINED), PoolCommand.ConfigRejection.ALREADY_CONFIGURED)),
                s.commands());
        assertEquals(Phase.DRAINING, s.phase(DRAINED));
    }

    @ParameterizedTest(name = "{0} while draining: ignored")
    @CsvSource({"offline", "job-completed hook", "config failed"})
    void runnerReportsThatDoNotApplyToAnIdleRunnerLeaveItDraining(String report) {
        Scenario s = draining();
        PoolState before = s.state();
        switch (report) {
            case "offline" -> s.offline(name(DRAINED));
            case "job-completed hook" -> s.finishing(name(DRAINED));
            default -> s.configFailed(name(DRAINED));
        }
        assertEquals(List.of(), s.commands());
        assertEquals(Scenario.timeless(before), Scenario.timeless(s.state()));
    }
}
