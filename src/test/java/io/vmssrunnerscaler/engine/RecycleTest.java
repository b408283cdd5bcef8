package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.GRACE;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A used instance is re-imaged while the pool needs it, else deleted; only once its job is really over. */
class RecycleTest {
    private static final long JOB = 7;
    private static final String USED = "0";

    /** The ways a job becomes really over. */
    enum JobOver {
        /** Webhook {@code completed}. */
        COMPLETED {
            @Override
            void apply(Scenario s) {
                s.at(Duration.ofMinutes(1)).completed(JOB, Pools.name(USED));
            }
        },
        /** Reconcile finds the ephemeral runner offline at GitHub with no job. */
        OFFLINE {
            @Override
            void apply(Scenario s) {
                s.at(Duration.ofMinutes(1)).offline(Pools.name(USED));
            }
        },
        /** The completed-hook ran and the grace period passed without any other news. */
        GRACE_PASSED {
            @Override
            void apply(Scenario s) {
                s.at(Duration.ofMinutes(1)).finishing(Pools.name(USED));
                assertTrue(s.reimaged().isEmpty() && s.deleted().isEmpty(), "not from inside the hook");
                s.tickAt(Duration.ofMinutes(1).plus(GRACE));
            }
        };

        abstract void apply(Scenario s);
    }

    /**
     * One busy and one idle instance, no queue. With min 2 the pool still needs the used
     * instance once its job is over; with min 1 it does not.
     */
    private static Scenario busyAndIdle(int min, AfterJob afterJob) {
        PoolSpec spec = Pools.spec().min(min).max(4).free(0).afterJob(afterJob).build();
        return Scenario.with(spec, Pools.busy(USED, JOB), Pools.idle("1", T0));
    }

    @ParameterizedTest(name = "{0}, {1}, min {2} -> {3}")
    @CsvSource({
        "COMPLETED,    REIMAGE_OR_DELETE, 2, REIMAGE",
        "OFFLINE,      REIMAGE_OR_DELETE, 2, REIMAGE",
        "GRACE_PASSED, REIMAGE_OR_DELETE, 2, REIMAGE",
        "COMPLETED,    REIMAGE_OR_DELETE, 1, DELETE",
        "OFFLINE,      REIMAGE_OR_DELETE, 1, DELETE",
        "GRACE_PASSED, REIMAGE_OR_DELETE, 1, DELETE",
        "COMPLETED,    DELETE,            2, DELETE",
        "OFFLINE,      DELETE,            2, DELETE",
        "GRACE_PASSED, DELETE,            2, DELETE",
        "COMPLETED,    DELETE,            1, DELETE",
        "OFFLINE,      DELETE,            1, DELETE",
        "GRACE_PASSED, DELETE,            1, DELETE",
    })
    void aFinishedInstanceIsReimagedWhileNeededElseDeleted(JobOver over, AfterJob afterJob, int min,
            Operation.Kind expected) {
        Scenario s = busyAndIdle(min, afterJob);

        over.apply(s);

        List<String> used = List.of(USED);
        assertEquals(expected == Operation.Kind.REIMAGE ? used : List.of(), s.reimaged());
        assertEquals(expected == Operation.Kind.DELETE ? used : List.of(), s.deleted());
        assertEquals(expected == Operation.Kind.REIMAGE ? Phase.REIMAGING : Phase.DELETING, s.phase(USED));
        assertEquals(List.of(), s.commands(PoolCommand.ClearBusy.class), "the marker stays until the recycle succeeds");
        assertEquals(Phase.IDLE, s.phase("1"), "the other instance is untouched");

        s.succeed(expected);
        assertEquals(List.of(new PoolCommand.ClearBusy(name(USED))), s.commands(PoolCommand.ClearBusy.class));
    }

    @Test
    void aQueuedJobMakesTheUsedInstanceNeeded() {
        PoolSpec spec = Pools.spec().min(0).max(2).free(0).build();
        Scenario s = Scenario.withQueued(spec, List.of(8L), Pools.busy(USED, JOB), Pools.busy("1", 9)).tick();
        assertEquals(Optional.empty(), s.capacity(), "capped at max");

        s.completed(JOB, name(USED));
        assertEquals(List.of(USED), s.reimaged(), "job 8 waits for it");

        s.completed(9, name("1"));
        assertEquals(List.of("1"), s.deleted(), "the re-imaged one will serve job 8");
    }

    @Test
    void reimagingStopsAtTheDesiredSize() {
        PoolSpec spec = Pools.spec().min(2).max(4).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 1), Pools.busy("1", 2), Pools.busy("2", 3))
                .at(Duration.ofMinutes(1)).offline(name("0"));
        assertEquals(List.of(), s.reimaged(), "three live for a desired two: not needed");
        assertEquals(List.of("0"), s.deleted());
        s.offline(name("1"));
        assertEquals(List.of("1"), s.reimaged(), "min 2: one busy + this one");
    }

    @Test
    void afterJobDeleteReplacesThroughCapacityOnceTheDeleteIsDone() {
        Scenario s = busyAndIdle(2, AfterJob.DELETE);
        JobOver.COMPLETED.apply(s);
        assertEquals(List.of(USED), s.deleted());
        assertEquals(Optional.empty(), s.capacity(), "not while the delete is in flight");

        s.succeed(Operation.Kind.DELETE);
        assertEquals(Optional.of(2), s.capacity(), "one idle + one new for min 2");
    }

    @ParameterizedTest(name = "grace {0}s, ticks up to just before it recycle nothing")
    @ValueSource(longs = {1, 30, 120, 3600})
    void theCompletedHookAloneNeverRecyclesBeforeTheGrace(long graceSeconds) {
        Duration grace = Duration.ofSeconds(graceSeconds);
        // min 2: the idle instance is never surplus, whatever the grace
        PoolSpec spec = Pools.spec().min(2).free(0).finishGrace(grace).build();
        Scenario s = Scenario.with(spec, Pools.busy(USED, JOB), Pools.idle("1", T0)).at(Duration.ofMinutes(1))
                .finishing(name(USED));
        assertEquals(Phase.FINISHING, s.phase(USED));
        assertTrue(s.commands(PoolCommand.ClearBusy.class).isEmpty());

        for (Duration d : List.of(Duration.ZERO, grace.dividedBy(2), grace.minusMillis(1))) {
            s.tickAt(Duration.ofMinutes(1).plus(d));
            assertEquals(Phase.FINISHING, s.phase(USED));
            assertTrue(s.reimaged().isEmpty() && s.deleted().isEmpty(), () -> "at " + d + ": " + s.commands());
            assertEquals(1, s.state().busy(), "still counts as demand");
        }

        s.tickAt(Duration.ofMinutes(1).plus(grace));
        assertEquals(List.of(USED), s.reimaged());
    }

    @Test
    void aRepeatedCompletedHookDoesNotRestartTheGrace() {
        Scenario s = busyAndIdle(1, AfterJob.REIMAGE_OR_DELETE).at(Duration.ofMinutes(1)).finishing(name(USED));
        s.at(Duration.ofMinutes(2)).finishing(name(USED));
        s.tickAt(Duration.ofMinutes(1).plus(GRACE));
        assertEquals(List.of(USED), s.deleted());
    }

    @ParameterizedTest(name = "{0} after the completed-hook ends the job at once")
    @EnumSource(value = JobOver.class, names = {"COMPLETED", "OFFLINE"})
    void webhookOrOfflineEndAFinishingJobBeforeTheGrace(JobOver over) {
        Scenario s = busyAndIdle(1, AfterJob.REIMAGE_OR_DELETE).at(Duration.ofSeconds(30)).finishing(name(USED));
        over.apply(s);
        assertEquals(List.of(USED), s.deleted());
    }

    @ParameterizedTest(name = "offline while {0}: nothing happens")
    @EnumSource(value = Phase.class, names = {"PROVISIONING", "IDLE"})
    void aRunnerThatNeverRanAJobIsNotOverByGoingOffline(Phase phase) {
        Scenario s = Scenario.with(Pools.spec().min(0).build(), Pools.instance(USED, phase, T0, 0))
                .at(Duration.ofMinutes(1)).offline(name(USED));
        assertEquals(phase, s.phase(USED));
        assertTrue(s.commands().isEmpty(), () -> s.commands().toString());
    }

    @Test
    void aCompletedJobForAnotherJobLeavesTheRunnerBusy() {
        Scenario s = busyAndIdle(1, AfterJob.REIMAGE_OR_DELETE).completed(99, name(USED));
        assertEquals(Phase.BUSY, s.phase(USED));
        assertTrue(s.commands().isEmpty());
    }

    @Test
    void aReimagedInstanceComesBackFreshAndMayBeConfiguredAgain() {
        Scenario s = busyAndIdle(2, AfterJob.REIMAGE_OR_DELETE);
        JobOver.COMPLETED.apply(s);
        s.succeed(Operation.Kind.REIMAGE);
        Instance fresh = s.instance(USED);
        assertEquals(Phase.PROVISIONING, fresh.phase());
        assertFalse(fresh.configIssued());
        assertEquals(0, fresh.jobId());
        assertEquals(s.now(), fresh.since());

        s.configRequested(name(USED));
        assertEquals(List.of(new PoolCommand.GrantRunnerConfig(name(USED), USED)),
                s.commands(PoolCommand.GrantRunnerConfig.class));
    }

    @Test
    void aDeletedInstanceLeavesThePool() {
        Scenario s = busyAndIdle(1, AfterJob.REIMAGE_OR_DELETE);
        JobOver.OFFLINE.apply(s);
        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of("1"), List.copyOf(s.state().instances().keySet()));
    }

    @Test
    void aSurplusFinishedInstanceWaitsWhileCapacityIsChanging() {
        PoolSpec spec = Pools.spec().min(0).max(4).free(0).build();
        Scenario s = Scenario.withQueued(spec, List.of(8L, 9L), Pools.busy(USED, JOB)).tick();
        assertEquals(Optional.of(3), s.capacity());
        s.completed(8, null).completed(9, null).completed(JOB, name(USED));
        assertEquals(Phase.FINISHED, s.phase(USED), "no delete while a capacity change is in flight");
        assertTrue(s.deleted().isEmpty());

        s.succeed(Operation.Kind.SET_CAPACITY);
        assertEquals(Phase.FINISHED, s.phase(USED), "nor while it settles");
        s.listed(USED, "1", "2");
        assertEquals(List.of(USED), s.deleted());
    }
}
