package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.busy;
import static io.vmssrunnerscaler.engine.Pools.idle;
import static io.vmssrunnerscaler.engine.Pools.name;
import static io.vmssrunnerscaler.engine.Pools.provisioning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Drift between the pool's belief and what GitHub and the busy store report is healed. */
class ReconcileTest {

    private static ObservedRunner online(String id, boolean busy) {
        return new ObservedRunner(name(id), true, busy, true);
    }

    private static ObservedRunner offline(String id) {
        return new ObservedRunner(name(id), false, false, true);
    }

    private static PoolEvent.RunnersObserved runners(Instant listedAt, ObservedRunner... runners) {
        return new PoolEvent.RunnersObserved(listedAt, List.of(runners));
    }

    private static <T extends PoolCommand> List<T> commands(Scenario s, Class<T> type) {
        return s.commands().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Nested
    class GitHubRunners {

        @Test
        void aProvisioningInstanceWhoseRunnerIsUpAndIdleBecomesIdle() {
            // After a restart every instance is listed as provisioning, idle runners too.
            Scenario s = Scenario.with(Pools.spec().min(2).build(), provisioning("1", T0), provisioning("2", T0))
                    .at(Duration.ofSeconds(30))
                    .on(runners(T0.plusSeconds(10), online("1", false)));

            assertEquals(Phase.IDLE, s.phase("1"));
            assertTrue(s.instance("1").configIssued(), "a second configuration request is refused");
            assertEquals(Phase.PROVISIONING, s.phase("2"), "no runner yet: still booting");
        }

        @Test
        void aProvisioningInstanceWhoseRunnerRunsAJobBecomesBusyAndIsMarked() {
            Scenario s = Scenario.with(Pools.seed(), provisioning("1", T0)).at(Duration.ofSeconds(30))
                    .on(runners(T0.plusSeconds(10), online("1", true)));

            assertEquals(Phase.BUSY, s.phase("1"));
            assertEquals(List.of(name("1")), commands(s, PoolCommand.MarkBusy.class).stream()
                    .map(PoolCommand.MarkBusy::runnerName).toList());
        }

        @Test
        void anIdleRunnerIsNotMistakenForBusyAndABootingOneWaitsForItsTimeout() {
            Scenario s = Scenario.with(Pools.seed(), provisioning("1", T0)).at(Pools.BOOT.minusSeconds(1))
                    .on(runners(T0.plusSeconds(10)));

            assertEquals(Phase.PROVISIONING, s.phase("1"));
            assertTrue(s.commands().isEmpty());
        }

        @Test
        void aBusyInstanceWhoseRunnerIsGoneHasFinishedItsJob() {
            // GitHub removes a JIT runner after its job: the completed delivery was missed.
            Scenario s = Scenario.with(Pools.spec().min(0).build(), busy("1", 7), busy("2", 8)).at(Duration.ofMinutes(3))
                    .on(runners(T0.plusSeconds(60), online("2", true)));

            assertEquals(Phase.REIMAGING, s.phase("1"), "recycled: one busy plus 25 % free still needs two");
            assertEquals(Phase.BUSY, s.phase("2"));
            assertTrue(s.instance("1").marked(), "its marker goes only once it is re-imaged");
            assertTrue(s.state().endedJobs().containsKey(7L), "a late in_progress for job 7 changes nothing");
        }

        @Test
        void anOfflineRunnerThatGitHubStillShowsBusyIsLeftAlone() {
            Scenario s = Scenario.with(Pools.seed(), busy("1", 7)).at(Duration.ofMinutes(3))
                    .on(runners(T0.plusSeconds(60), new ObservedRunner(name("1"), false, true, true)));

            assertEquals(Phase.BUSY, s.phase("1"));
        }

        @Test
        void aListingAskedForBeforeTheJobStartedCannotEndIt() {
            Scenario s = Scenario.with(Pools.seed(), idle("1", T0)).at(Duration.ofMinutes(1)).runnerStarted(name("1"))
                    .after(Duration.ofSeconds(5))
                    .on(runners(T0.plusSeconds(30), online("1", false)));

            assertEquals(Phase.BUSY, s.phase("1"), "the listing is older than the job start");
        }

        @Test
        void aConfiguredRunnerThatNeverCameOnlineIsDrainedAfterTheBootTimeout() {
            Scenario s = Scenario.with(Pools.spec().min(1).build(), idle("1", T0), idle("2", T0))
                    .at(Pools.BOOT.plusMinutes(1))
                    .on(runners(T0.plus(Pools.BOOT).plusSeconds(1), online("2", false)));

            assertEquals(Phase.DRAINING, s.phase("1"), "drained at GitHub first: it may just have been given a job");
            assertEquals(Phase.IDLE, s.phase("2"));
            s.removed(name("1"));
            assertTrue(s.reimaged().contains("1") || s.deleted().contains("1"), "then recycled");
        }

        @Test
        void anIdleRunnerThatGitHubShowsRunningAJobIsBusyAlthoughItsHookWasLost() {
            Scenario s = Scenario.with(Pools.spec().min(0).build(), idle("1", T0), idle("2", T0))
                    .at(Duration.ofMinutes(1))
                    .on(runners(T0.plusSeconds(30), online("1", true), online("2", false)));

            assertEquals(Phase.BUSY, s.phase("1"), "neither free capacity nor a candidate for draining");
            assertEquals(List.of(name("1")), commands(s, PoolCommand.MarkBusy.class).stream()
                    .map(PoolCommand.MarkBusy::runnerName).toList());
        }

        @Test
        void aConfiguredRunnerWithinItsBootTimeoutIsGivenTime() {
            Scenario s = Scenario.with(Pools.seed(), idle("1", T0)).at(Pools.BOOT.minusMinutes(1))
                    .on(runners(T0.plus(Pools.BOOT).minusSeconds(60)));

            assertEquals(Phase.IDLE, s.phase("1"));
        }

        @Test
        void anOfflineRunnerWithNoInstanceIsRemovedAtGitHub() {
            Scenario s = Scenario.with(Pools.seed(), busy("1", 7)).at(Duration.ofMinutes(1))
                    .on(runners(T0.plusSeconds(30), online("1", true), offline("9"), online("8", false),
                            new ObservedRunner(name("7"), false, true, true), new ObservedRunner("manual-1", false, false, false)));

            assertEquals(List.of(name("9")), commands(s, PoolCommand.RemoveStaleRunner.class).stream()
                    .map(PoolCommand.RemoveStaleRunner::runnerName).toList(),
                    "only the offline idle one of the pool's naming: an online or busy runner may still be working, "
                            + "and a runner named otherwise is not the pool's");
        }

        @Test
        void nothingIsJudgedBeforeTheScaleSetWasListed() {
            Scenario s = Scenario.empty(Pools.seed()).on(runners(T0, offline("9")));

            assertTrue(s.commands().stream().noneMatch(PoolCommand.RemoveStaleRunner.class::isInstance));
        }
    }

    @Nested
    class BusyStore {

        @Test
        void markersOfRunnersThatAreNotBusyAreClearedAndMissingOnesWritten() {
            Scenario s = Scenario.with(Pools.seed(), busy("1", 7), busy("2", 8), idle("3", T0)).at(Duration.ofMinutes(1))
                    .on(new PoolEvent.MarkersObserved(Set.of(name("1"), name("3"), "gone-runner"), Set.of()));

            assertEquals(Set.of(name("3"), "gone-runner"), Set.copyOf(commands(s, PoolCommand.ClearBusy.class).stream()
                    .map(PoolCommand.ClearBusy::runnerName).toList()));
            assertEquals(List.of(name("2")), commands(s, PoolCommand.MarkBusy.class).stream()
                    .map(PoolCommand.MarkBusy::runnerName).toList(), "a lost write is repeated");
        }

        @Test
        void aUsedInstanceAwaitingItsRecycleKeepsItsMarker() {
            Instance finished = new Instance("1", name("1"), Phase.FINISHED, T0, true, 7, true, false);
            Instance reimaging = new Instance("2", name("2"), Phase.REIMAGING, T0, true, 8, true, false);
            Scenario s = Scenario.with(Pools.seed(), finished, reimaging).at(Duration.ofMinutes(1))
                    .on(new PoolEvent.MarkersObserved(Set.of(name("1")), Set.of()));

            assertTrue(commands(s, PoolCommand.ClearBusy.class).isEmpty(), "a restart must still know it ran a job");
            assertEquals(List.of(name("2")), commands(s, PoolCommand.MarkBusy.class).stream()
                    .map(PoolCommand.MarkBusy::runnerName).toList(), "a lost write is repeated");
        }

        @Test
        void afterARestartAUsedInstanceWhoseRecycleWasNeverSentIsRecycledAtTheFirstGitHubListing() {
            // The scaler stopped between the job's end and the re-image: the marker is all that says so.
            Scenario s = Scenario.empty(Pools.spec().min(0).max(1).build()).on(new PoolEvent.JobStarted(7, name("1")))
                    .listed("1");
            assertEquals(Phase.BUSY, s.phase("1"), "restored from its marker");

            s.after(Duration.ofSeconds(10)).on(runners(s.now(), online("2", false)));
            assertEquals(Phase.DELETING, s.phase("1"), "no job left: recycled without waiting for the boot timeout");
            s.succeed(Operation.Kind.DELETE);
            assertEquals(List.of(new PoolCommand.ClearBusy(name("1"))), commands(s, PoolCommand.ClearBusy.class));
        }

        @Test
        void aMarkerWhoseInstanceIsAboutToBeListedIsKeptUntilTheBootTimeout() {
            Scenario s = Scenario.with(Pools.seed(), idle("1", T0)).at(Duration.ofSeconds(10)).runnerStarted("new-runner")
                    .on(new PoolEvent.MarkersObserved(Set.of("new-runner"), Set.of()));
            assertTrue(commands(s, PoolCommand.ClearBusy.class).isEmpty());

            s.after(Pools.BOOT).on(new PoolEvent.MarkersObserved(Set.of("new-runner"), Set.of()));
            assertEquals(1, commands(s, PoolCommand.ClearBusy.class).size(), "no listing showed it: its instance is gone");
            assertFalse(s.state().orphanStarts().containsKey("new-runner"));
        }

        @Test
        void waitingJobsInTheStoreFollowThePool() {
            Scenario s = Scenario.withQueued(Pools.seed(), List.of(5L, 6L)).at(Duration.ofSeconds(10))
                    .on(new PoolEvent.MarkersObserved(Set.of(), Set.of(6L, 99L)));

            assertEquals(List.of(99L), commands(s, PoolCommand.ForgetQueued.class).stream()
                    .map(PoolCommand.ForgetQueued::jobId).toList());
            assertEquals(List.of(5L), commands(s, PoolCommand.RememberQueued.class).stream()
                    .map(PoolCommand.RememberQueued::jobId).toList());
        }
    }

    @Nested
    class WaitingJobs {

        @Test
        void aQueuedJobIsRememberedOnceAndForgottenWhenItStarts() {
            Scenario s = Scenario.with(Pools.seed(), idle("1", T0)).at(Duration.ofSeconds(1))
                    .on(new PoolEvent.JobQueued(5, "octo-org/app", null));
            assertEquals(List.of(new PoolCommand.RememberQueued(5, "octo-org/app", T0.plusSeconds(1))),
                    commands(s, PoolCommand.RememberQueued.class));

            s.on(new PoolEvent.JobQueued(5, "octo-org/app", null));
            assertTrue(commands(s, PoolCommand.RememberQueued.class).isEmpty(), "a repeated delivery writes nothing");

            s.started(5, name("1"));
            assertEquals(List.of(new PoolCommand.ForgetQueued(5)), commands(s, PoolCommand.ForgetQueued.class));
        }

        @Test
        void aCompletedOrExpiredJobIsForgotten() {
            Scenario s = Scenario.with(Pools.seed()).queued(5, 6).completed(5, null);
            assertEquals(List.of(new PoolCommand.ForgetQueued(5)), commands(s, PoolCommand.ForgetQueued.class));

            s.at(Pools.QUEUED_MAX_AGE.plusSeconds(1)).tick();
            assertEquals(List.of(new PoolCommand.ForgetQueued(6)), commands(s, PoolCommand.ForgetQueued.class));
        }

        @Test
        void aJobReadBackAfterARestartKeepsItsAge() {
            Instant queuedAt = T0.minus(Pools.QUEUED_MAX_AGE).plusSeconds(30);
            Scenario s = Scenario.with(Pools.seed()).on(new PoolEvent.JobQueued(5, "octo-org/app", queuedAt));
            assertEquals(queuedAt, s.state().queued().get(5L).since());
            assertEquals("octo-org/app", s.state().queued().get(5L).repository());

            s.at(Duration.ofSeconds(31)).tick();
            assertFalse(s.state().queued().containsKey(5L), "it expires an hour after it was first queued");
        }
    }
}
