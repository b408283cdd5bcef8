package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
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
 * The reconcile pass on a virtual clock: stuck queued jobs are looked up at GitHub, oldest first,
 * within the hourly budget, and what GitHub says reaches the pool; the store is repaired.
 */
class ReconcilerTest {
    static final Instant START = Instant.parse("2026-02-02T08:00:00Z");
    static final String REPO = "octo-org/app";

    private final VirtualTimeSource time = new VirtualTimeSource(START);
    private final Pool pool = new Pool(new PoolSpec("linux", Set.of("linux"), 0, 3, 0, AfterJob.DELETE,
            Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(3)),
            RunnerScope.parse(REPO), "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
    private final SimWorld world = new SimWorld(time, new SimSettings(Duration.ofSeconds(5), Duration.ofSeconds(90),
            Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(5), 0, 7), SimulatorWiring.scaleSets(List.of(pool)));
    private final JobDesk gitHub = new JobDesk(world.gitHub());
    private final InMemoryBusyStore store = new InMemoryBusyStore();
    private final List<String> vanished = new ArrayList<>();
    private final Scaler scaler = new Scaler(List.of(pool), new ShellContext(time, world.azure(), store, gitHub,
            Duration.ofSeconds(2), 1000, false), p -> PoolListener.NONE, new Reconciler.Settings(Duration.ofMinutes(10), 2),
            (pool, jobId) -> vanished.add(pool + "#" + jobId));

    @org.junit.jupiter.api.BeforeEach
    void connect() {
        world.connect(new io.vmssrunnerscaler.runtime.InProcessEndpoints(scaler.intake()));
    }

    @Test
    void stuckJobsAreLookedUpOldestFirstWithinTheHourlyBudget() {
        scaler.start();
        time.runFor(Duration.ofSeconds(1));
        queue(41);
        time.runFor(Duration.ofSeconds(30));
        queue(42);
        time.runFor(Duration.ofSeconds(30));
        queue(43);
        gitHub.jobs.put(41L, new JobInfo(41, "completed", "success", null));
        gitHub.jobs.put(42L, new JobInfo(42, "queued", null, null));
        gitHub.jobs.put(43L, new JobInfo(43, "completed", "cancelled", null));

        time.runFor(Duration.ofMinutes(5));
        scaler.reconcile();
        time.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(), gitHub.lookedUp, "younger than the check age: not looked up");

        time.runFor(Duration.ofMinutes(6));
        scaler.reconcile();
        time.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(41L, 42L), gitHub.lookedUp, "oldest first, two an hour");
        assertFalse(state().queued().containsKey(41L), "GitHub says it is over: the missed completed delivery");
        assertTrue(state().queued().containsKey(42L), "still queued at GitHub");

        time.runFor(Duration.ofMinutes(11));
        scaler.reconcile();
        time.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(41L, 42L), gitHub.lookedUp, "the hour's budget is spent");

        time.runFor(Duration.ofMinutes(50));
        scaler.reconcile();
        time.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(41L, 42L, 42L, 43L), gitHub.lookedUp, "next hour: 42 again, then 43");
        assertFalse(state().queued().containsKey(43L));
        assertEquals(Set.of(42L), Set.copyOf(store.loadAll().await().indefinitely().queued().stream()
                .map(QueuedMarker::jobId).toList()), "the store follows: only 42 still waits");
    }

    @Test
    void aJobGitHubNoLongerKnowsLeavesDemandAtItsFirstLookUp() {
        scaler.start();
        time.runFor(Duration.ofSeconds(1));
        queue(51, 52);
        gitHub.jobs.put(52L, new JobInfo(52, "queued", null, null)); // 51: deleted with its run, GitHub answers 404
        time.runFor(Duration.ofSeconds(30));
        assertEquals(2, state().queued().size());

        time.runFor(Duration.ofMinutes(11));
        scaler.reconcile();
        time.runFor(Duration.ofSeconds(1));

        assertEquals(Set.of(51L, 52L), Set.copyOf(gitHub.lookedUp));
        assertEquals(Set.of(52L), state().queued().keySet(), "51 left demand at once, not after queued-max-age (3 h)");
        assertEquals(List.of("linux#51"), vanished, "counted once, for its pool");
        assertEquals(Set.of(52L), Set.copyOf(store.loadAll().await().indefinitely().queued().stream()
                .map(QueuedMarker::jobId).toList()), "its waiting marker is cleared too");

        queue(51); // a late queued delivery of the vanished job changes nothing
        time.runFor(Duration.ofSeconds(1));
        assertEquals(Set.of(52L), state().queued().keySet());
    }

    @Test
    void aWaitingJobLostFromTheStoreIsWrittenAgain() {
        scaler.start();
        time.runFor(Duration.ofSeconds(1));
        queue(7);
        time.runFor(Duration.ofMinutes(2));
        store.clearQueued("linux", 7).await().indefinitely(); // a write the queue lost
        assertTrue(store.loadAll().await().indefinitely().queued().isEmpty());

        scaler.reconcile();
        time.runFor(Duration.ofSeconds(5));

        assertEquals(List.of(7L), store.loadAll().await().indefinitely().queued().stream().map(QueuedMarker::jobId).toList());
    }

    private void queue(long... jobs) {
        for (long job : jobs) {
            scaler.loop("linux").orElseThrow().offer(new PoolEvent.JobQueued(job, REPO, null));
        }
    }

    private PoolState state() {
        return scaler.loop("linux").orElseThrow().state();
    }

    /** GitHub as the simulator plays it, but jobs are answered from a table and look-ups recorded. */
    private static final class JobDesk implements GitHubPort {
        final GitHubPort world;
        final Map<Long, JobInfo> jobs = new HashMap<>();
        final List<Long> lookedUp = new ArrayList<>();

        JobDesk(GitHubPort world) {
            this.world = world;
        }

        @Override
        public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
            assertEquals(REPO, repositoryFullName);
            lookedUp.add(jobId);
            return Uni.createFrom().item(Optional.ofNullable(jobs.get(jobId)));
        }

        @Override
        public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String group) {
            return world.createRunnerConfig(scope, runnerName, labels, group);
        }

        @Override
        public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
            return world.createRegistrationToken(scope);
        }

        @Override
        public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
            return world.removeRunner(scope, runnerName);
        }

        @Override
        public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
            return world.listRunners(scope);
        }

        @Override
        public Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
            return world.listHookDeliveries(hook, since);
        }

        @Override
        public Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
            return world.redeliver(hook, deliveryId);
        }

        @Override
        public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
            return world.getRun(repositoryFullName, runId);
        }

        @Override
        public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
            return world.rerunJob(repositoryFullName, jobId);
        }

        @Override
        public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
            return world.rerunFailedJobs(repositoryFullName, runId);
        }
    }
}
