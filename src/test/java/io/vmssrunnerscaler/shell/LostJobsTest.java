package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.engine.PoolCommand.JobLost;
import io.vmssrunnerscaler.engine.PoolCommand.LostReason;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.shell.LostJobs.Outcome;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a job lost with its runner: asked about at GitHub, re-run once its run is over
 * when the pool opts in, at most once, within the hourly budget, and kept across a restart.
 */
class LostJobsTest {
    private static final String REPO = "octo-org/app";
    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    private final VirtualTimeSource time = new VirtualTimeSource(T0);
    private final InMemoryBusyStore store = new InMemoryBusyStore();
    private final Desk gitHub = new Desk();
    private final List<String> told = new ArrayList<>();
    private final LostJobs lostJobs = new LostJobs(gitHub, store, time, new LostJobs.Listener() {
        @Override
        public void lost(String pool, String reason) {
            told.add("lost " + pool + " " + reason);
        }

        @Override
        public void outcome(String pool, Outcome outcome) {
            told.add(pool + " " + outcome.label());
        }
    });

    private static Pool pool(boolean rerun, int perHour) {
        return ShellFixtures.linuxPool().withLosses(new LossPolicy(rerun, perHour));
    }

    private static WorkflowJob completed(long jobId, long runId, String conclusion, String runner) {
        return new WorkflowJob("completed", jobId, List.of("self-hosted", "linux"), runner, REPO, "octo-org", runId,
                conclusion);
    }

    private List<LostMarker> storedLost() {
        return store.loadAll().await().indefinitely().lost();
    }

    @Test
    void aLostJobIsReRunOnceItsRunIsOver() {
        Pool pool = pool(true, 10);
        lostJobs.lost(pool, new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        assertEquals(List.of("lost linux evicted"), told);
        assertEquals(1, storedLost().size(), "kept for a restart");

        gitHub.runs.put(410L, new RunInfo(410, "in_progress", null, 1));
        lostJobs.completed(completed(41, 410, "failure", "linux0000a1"));
        assertEquals(List.of(), gitHub.reruns, "a run still in progress cannot be re-run");
        assertEquals(Outcome.WATCHING, lostJobs.of("linux").get(0).outcome());

        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        gitHub.jobs.put(41L, new JobInfo(41, 410, "completed", "failure", "linux0000a1"));
        lostJobs.checkAll();
        assertEquals(List.of("job 41"), gitHub.reruns);
        assertEquals(Outcome.RERUN, lostJobs.of("linux").get(0).outcome());
        assertEquals(List.of(), storedLost(), "settled: no longer kept");

        lostJobs.checkAll();
        lostJobs.lost(pool, new JobLost(41, REPO, "linux0000a1", LostReason.VANISHED));
        lostJobs.checkAll();
        assertEquals(List.of("job 41"), gitHub.reruns, "at most once per job");
        assertEquals(List.of("lost linux evicted", "linux rerun"), told);
    }

    @Test
    void aJobThatSucceededAfterAllIsNotReRun() {
        lostJobs.lost(pool(true, 10), new JobLost(41, REPO, "linux0000a1", LostReason.RUNNER_OFFLINE));
        lostJobs.completed(completed(41, 410, "success", "linux0000a1"));
        assertEquals(List.of(), gitHub.reruns);
        assertEquals(Outcome.SUCCEEDED, lostJobs.of("linux").get(0).outcome());
    }

    @Test
    void aPoolThatDoesNotReRunRecordsTheLossOnly() {
        lostJobs.lost(pool(false, 10), new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        lostJobs.completed(completed(41, 410, "failure", "linux0000a1"));
        assertEquals(List.of(), gitHub.reruns);
        assertEquals(Outcome.NOT_RERUN, lostJobs.of("linux").get(0).outcome());
    }

    @Test
    void theHourlyBudgetHoldsFurtherReRunsBack() {
        Pool pool = pool(true, 1);
        for (long job : new long[] {41, 42}) {
            lostJobs.lost(pool, new JobLost(job, REPO, "linux0000a" + job, LostReason.EVICTED));
            gitHub.runs.put(job * 10, new RunInfo(job * 10, "completed", "failure", 1));
            gitHub.jobs.put(job, new JobInfo(job, job * 10, "completed", "failure", "linux0000a" + job));
        }
        lostJobs.checkAll();
        assertEquals(1, gitHub.reruns.size());
        time.runUntil(T0.plus(Duration.ofMinutes(59)));
        lostJobs.checkAll();
        assertEquals(1, gitHub.reruns.size(), "still within the hour");
        time.runUntil(T0.plus(Duration.ofMinutes(61)));
        lostJobs.checkAll();
        assertEquals(List.of("job 41", "job 42"), gitHub.reruns.stream().sorted().toList());
    }

    @Test
    void severalLostJobsOfOneRunAreReRunInOneRequest() {
        Pool pool = pool(true, 10);
        lostJobs.lost(pool, new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        lostJobs.lost(pool, new JobLost(42, REPO, "linux0000a2", LostReason.EVICTED));
        gitHub.runs.put(400L, new RunInfo(400, "in_progress", null, 1));
        lostJobs.completed(completed(41, 400, "failure", "linux0000a1"));
        lostJobs.completed(completed(42, 400, "failure", "linux0000a2"));
        gitHub.runs.put(400L, new RunInfo(400, "completed", "failure", 1));
        gitHub.jobs.put(41L, new JobInfo(41, 400, "completed", "failure", "linux0000a1"));
        gitHub.jobs.put(42L, new JobInfo(42, 400, "completed", "failure", "linux0000a2"));
        lostJobs.checkAll();
        assertEquals(List.of("run 400"), gitHub.reruns);
        assertTrue(lostJobs.of("linux").stream().allMatch(j -> j.outcome() == Outcome.RERUN));
    }

    @Test
    void aRefusedReRunIsGivenUpAndAFailedOneAskedAgain() {
        Pool pool = pool(true, 10);
        lostJobs.lost(pool, new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        gitHub.failures = 1;
        lostJobs.completed(completed(41, 410, "failure", "linux0000a1"));
        assertEquals(List.of(), gitHub.reruns);
        assertEquals(Outcome.WATCHING, lostJobs.of("linux").get(0).outcome(), "a passing failure: asked again");
        gitHub.jobs.put(41L, new JobInfo(41, 410, "completed", "failure", "linux0000a1"));
        lostJobs.checkAll();
        assertEquals(List.of("job 41"), gitHub.reruns);

        lostJobs.lost(pool, new JobLost(51, REPO, "linux0000a5", LostReason.EVICTED));
        gitHub.runs.put(510L, new RunInfo(510, "completed", "failure", 1));
        gitHub.refuse = true;
        lostJobs.completed(completed(51, 510, "failure", "linux0000a5"));
        LostJobs.LostJob refused = lostJobs.of("linux").stream().filter(j -> j.jobId() == 51).findFirst().orElseThrow();
        assertEquals(Outcome.GAVE_UP, refused.outcome());
        assertTrue(refused.detail().contains("too old"), refused.detail());
    }

    @Test
    void aReRunWithoutAClearAnswerThatGitHubTookIsNotAskedAgain() {
        lostJobs.lost(pool(true, 10), new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        gitHub.failures = 1;
        lostJobs.completed(completed(41, 410, "failure", "linux0000a1"));
        // The 502 came after GitHub had started attempt 2, which has ended again by the next check.
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 2));
        gitHub.jobs.put(41L, new JobInfo(41, 410, "completed", "failure", "linux0000a1"));
        lostJobs.checkAll();
        assertEquals(List.of(), gitHub.reruns, "a second request would start a third attempt");
        assertEquals(Outcome.RERUN, lostJobs.of("linux").get(0).outcome());
    }

    @Test
    void aRunnerLostBeforeItsJobWasKnownLearnsItFromTheCompletedDelivery() {
        lostJobs.lost(pool(true, 10), new JobLost(0, "", "linux0000a1", LostReason.EVICTED));
        assertEquals(List.of("lost runner linux0000a1"), storedLost().stream().map(LostMarker::subject).toList());
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        lostJobs.completed(completed(41, 410, "failure", "linux0000a1"));
        assertEquals(List.of("job 41"), gitHub.reruns);
        assertEquals(List.of(), storedLost());
    }

    @Test
    void aLostJobReadBackAfterARestartIsStillReRun() {
        Pool pool = pool(true, 10);
        lostJobs.lost(pool, new JobLost(41, REPO, "linux0000a1", LostReason.VANISHED));
        List<LostMarker> kept = storedLost();

        LostJobs restarted = new LostJobs(gitHub, store, time, LostJobs.Listener.NONE);
        kept.forEach(m -> restarted.restored(pool, m));
        gitHub.runs.put(410L, new RunInfo(410, "completed", "failure", 1));
        gitHub.jobs.put(41L, new JobInfo(41, 410, "completed", "failure", "linux0000a1"));
        restarted.checkAll();
        assertEquals(List.of("job 41"), gitHub.reruns);
        assertEquals("vanished", restarted.of("linux").get(0).reason());
    }

    @Test
    void aJobGitHubNeverEndsIsGivenUpAfterADay() {
        lostJobs.lost(pool(true, 10), new JobLost(41, REPO, "linux0000a1", LostReason.EVICTED));
        gitHub.jobs.put(41L, new JobInfo(41, 410, "in_progress", null, "linux0000a1"));
        lostJobs.checkAll();
        assertEquals(Outcome.WATCHING, lostJobs.of("linux").get(0).outcome());
        time.runUntil(T0.plus(LostJobs.GIVE_UP_AFTER));
        lostJobs.checkAll();
        assertEquals(Outcome.GAVE_UP, lostJobs.of("linux").get(0).outcome());
        assertEquals(List.of(), storedLost());
    }

    /** GitHub's jobs and runs from tables; re-runs recorded. */
    private static final class Desk implements GitHubPort {
        final Map<Long, JobInfo> jobs = new HashMap<>();
        final Map<Long, RunInfo> runs = new HashMap<>();
        final List<String> reruns = new ArrayList<>();
        int failures;
        boolean refuse;

        @Override
        public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
            return Uni.createFrom().item(Optional.ofNullable(jobs.get(jobId)));
        }

        @Override
        public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
            return Uni.createFrom().item(Optional.ofNullable(runs.get(runId)));
        }

        @Override
        public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
            return rerun("job " + jobId);
        }

        @Override
        public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
            return rerun("run " + runId);
        }

        private Uni<Void> rerun(String what) {
            if (refuse) {
                return Uni.createFrom().failure(new RerunRefusedException("This workflow run is too old to be re-run"));
            }
            if (failures > 0) {
                failures--;
                return Uni.createFrom().failure(new IllegalStateException("502 Bad Gateway"));
            }
            reruns.add(what);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String group) {
            throw new AssertionError("not asked of GitHub here");
        }

        @Override
        public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
            throw new AssertionError("not asked of GitHub here");
        }

        @Override
        public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
            throw new AssertionError("not asked of GitHub here");
        }

        @Override
        public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
            throw new AssertionError("not asked of GitHub here");
        }

        @Override
        public Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
            throw new AssertionError("not asked of GitHub here");
        }

        @Override
        public Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
            throw new AssertionError("not asked of GitHub here");
        }
    }
}
