package io.vmssrunnerscaler.sim;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerBusyException;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the simulated Azure takes away and how the simulated GitHub answers for it, without a
 * scaler: an eviction is announced, then carried out after the notice with the capacity dropping; a
 * kill takes the VM at once; the dead runner's job fails when GitHub notices; and runs are re-run
 * as GitHub allows.
 */
class SimLossesTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    static final Set<String> LABELS = Set.of("self-hosted", "linux");
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final VirtualTimeSource time = new VirtualTimeSource(T0);
    private final Pool pool = VirtualRunTest.pool("linux-spot", 0, 5, 0, "self-hosted", "linux");
    private final SimWorld world = new SimWorld(time, VirtualRunTest.settings(0), SimulatorWiring.scaleSets(List.of(pool)));
    private final List<WorkflowJob> deliveries = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();

    @Test
    void anEvictionIsAnnouncedThenTheVmGoesAfterTheNoticeAndGitHubFailsItsJobLater() {
        booted(2);
        long job = world.gitHub().submit(LABELS, Duration.ofHours(1), "octo-org/app", "octo-org");
        time.runFor(Duration.ofSeconds(1));
        String runner = jobOf(job).runnerName();
        String instance = instanceNamed(runner);

        assertThat(world.azure().evict(pool.scaleSet().name(), instance), is(true));
        time.runFor(Duration.ZERO);
        assertThat("the watcher tells at once, with Azure's notice", notices,
                contains(runner + " PREEMPT " + T0.plus(Duration.ofMinutes(2)).plusSeconds(1).plusSeconds(30)));
        assertThat(world.azure().instanceCount(pool.scaleSet().name()), equalTo(2));

        time.runFor(Duration.ofSeconds(30));
        assertThat("Azure deleted it: capacity dropped by one", world.azure().instanceCount(pool.scaleSet().name()),
                equalTo(1));
        assertThat(list().stream().map(ObservedInstance::instanceId).toList(), not(hasItem(instance)));
        RunnerInfo dead = runner(runner);
        assertThat("offline, and busy while GitHub holds the job", List.of(dead.online(), dead.busy()),
                contains(false, true));
        assertThat(failure(world.gitHub().removeRunner(pool.scope(), runner)), instanceOf(RunnerBusyException.class));
        assertThat(jobOf(job).status(), equalTo("in_progress"));

        time.runFor(TIMEOUT);
        JobInfo failed = jobOf(job);
        assertThat(List.of(failed.status(), failed.conclusion()), contains("completed", "failure"));
        WorkflowJob completed = deliveries.get(deliveries.size() - 1);
        assertThat(List.of(completed.action(), completed.conclusion(), completed.runnerName()),
                contains("completed", "failure", runner));
        assertThat(completed.runId(), equalTo(failed.runId()));
        assertThat(runner(runner).busy(), is(false));
        assertThat(world.log().of(SimEvent.Kind.INSTANCE_EVICTED), hasSize(1));
        assertThat(world.log().of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED), empty());
    }

    @Test
    void aKilledVmLeavesTheListingAtOnceWithoutNotice() {
        List<String> vms = booted(2);
        assertThat(world.azure().kill(pool.scaleSet().name(), vms.get(0)), is(true));
        time.runFor(Duration.ZERO);
        assertThat(notices, empty());
        assertThat(list().stream().map(ObservedInstance::instanceId).toList(), contains(vms.get(1)));
        assertThat(world.log().of(SimEvent.Kind.INSTANCE_KILLED), hasSize(1));
    }

    @Test
    void aLostJobIsReRunOnceItsRunIsOverAsANewJobOfTheSameRun() {
        booted(3); // the third runner takes the re-run
        List<Long> jobs = world.gitHub().submitRun(LABELS, List.of(Duration.ofHours(1), Duration.ofMinutes(5)),
                "octo-org/app", "octo-org");
        time.runFor(Duration.ofSeconds(1));
        long lost = jobs.get(0);
        long runId = jobOf(lost).runId();
        assertThat(jobOf(jobs.get(1)).runId(), equalTo(runId));
        kill(jobOf(lost).runnerName());

        assertThat(run(runId).status(), equalTo("in_progress"));
        assertThat("GitHub refuses while the run is in progress",
                failure(world.gitHub().rerunJob("octo-org/app", lost)), instanceOf(RerunRefusedException.class));

        time.runFor(TIMEOUT.plusSeconds(1));
        RunInfo over = run(runId);
        assertThat(List.of(over.status(), over.conclusion()), contains("completed", "failure"));
        assertThat(over.runAttempt(), equalTo(1));

        int before = deliveries.size();
        assertThat(failure(world.gitHub().rerunJob("octo-org/app", lost)), nullValue());
        WorkflowJob queued = deliveries.get(before);
        assertThat(queued.action(), equalTo("queued"));
        assertThat(queued.jobId(), not(equalTo(lost)));
        assertThat(queued.runId(), equalTo(runId));
        assertThat(Set.copyOf(queued.labels()), equalTo(LABELS));
        assertThat(world.gitHub().originOf(queued.jobId()), equalTo(lost));
        assertThat(run(runId).runAttempt(), equalTo(2));
        assertThat("a job of an earlier attempt is not re-run again",
                failure(world.gitHub().rerunJob("octo-org/app", lost)), instanceOf(RerunRefusedException.class));

        time.runFor(Duration.ofHours(1).plusMinutes(1));
        assertThat(List.of(run(runId).status(), run(runId).conclusion()), contains("completed", "success"));
        assertThat(jobOf(queued.jobId()).conclusion(), equalTo("success"));
    }

    @Test
    void reRunningFailedJobsQueuesOnlyTheFailedOnes() {
        booted(3);
        List<Long> jobs = world.gitHub().submitRun(LABELS,
                List.of(Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofMinutes(1)), "octo-org/app", "octo-org");
        time.runFor(Duration.ofSeconds(1));
        long runId = jobOf(jobs.get(0)).runId();
        kill(jobOf(jobs.get(0)).runnerName());
        kill(jobOf(jobs.get(1)).runnerName());
        time.runFor(TIMEOUT.plusSeconds(1));
        assertThat(run(runId).conclusion(), equalTo("failure"));

        int before = deliveries.size();
        assertThat(failure(world.gitHub().rerunFailedJobs("octo-org/app", runId)), nullValue());
        List<WorkflowJob> queued = deliveries.subList(before, deliveries.size());
        assertThat(queued, hasSize(2));
        assertThat(queued.stream().map(WorkflowJob::action).toList(), everyItem(equalTo("queued")));
        assertThat(queued.stream().map(j -> world.gitHub().originOf(j.jobId())).toList(),
                contains(jobs.get(0), jobs.get(1)));
        assertThat(run(runId).status(), not(equalTo("completed")));
        assertThat("the new attempt is not over", failure(world.gitHub().rerunFailedJobs("octo-org/app", runId)),
                instanceOf(RerunRefusedException.class));
    }

    @Test
    void aStormEvictsItsShareOfEachSpotScaleSetAtOnce() {
        SimWorld w = world(SimSettings.Losses.NONE.withStorm(Duration.ofMinutes(5), 0.5));
        time.runFor(Duration.ofMinutes(5));
        List<SimEvent> storm = w.log().of(SimEvent.Kind.EVICTION_NOTICE);
        assertThat("half of the Spot scale set, at once", storm, hasSize(2));
        assertThat(storm.stream().map(SimEvent::scaleSet).toList(), everyItem(equalTo("linux-spot-vmss")));
        assertThat(storm.stream().map(SimEvent::at).toList(), everyItem(equalTo(T0.plus(Duration.ofMinutes(5)))));
        time.runFor(Duration.ofHours(3));
        assertThat(w.azure().instanceCount("linux-spot-vmss"), equalTo(2));
        assertThat(w.azure().instanceCount("linux-regular-vmss"), equalTo(4));
    }

    @Test
    void aRateEvictsSpotVmsOverTimeAndNeverRegularOnes() {
        SimWorld w = world(SimSettings.Losses.NONE.withEvictions(2));
        time.runFor(Duration.ofHours(3));
        assertThat("4 Spot VMs at 2 evictions per instance-hour: all gone within 3 hours (p = 0.99)",
                w.log().of(SimEvent.Kind.INSTANCE_EVICTED), hasSize(4));
        assertThat(w.azure().instanceCount("linux-spot-vmss"), equalTo(0));
        assertThat(w.azure().instanceCount("linux-regular-vmss"), equalTo(4));
        assertThat(w.log().of(SimEvent.Kind.INSTANCE_KILLED), empty());
    }

    @Test
    void aKillRateTakesVmsOfEveryScaleSet() {
        SimWorld w = world(SimSettings.Losses.NONE.withKills(2));
        time.runFor(Duration.ofHours(3));
        assertThat(w.log().of(SimEvent.Kind.INSTANCE_KILLED).stream().map(SimEvent::scaleSet).distinct().sorted().toList(),
                contains("linux-regular-vmss", "linux-spot-vmss"));
        assertThat(w.log().of(SimEvent.Kind.EVICTION_NOTICE), empty());
    }

    /** A world with these losses over a Spot and a Regular scale set of 4 VMs each (no scaler replaces any). */
    private SimWorld world(SimSettings.Losses losses) {
        Pool regular = VirtualRunTest.pool("linux-regular", 0, 5, 0, "self-hosted", "linux");
        SimWorld w = new SimWorld(time, VirtualRunTest.settings(0).withLosses(losses),
                SimulatorWiring.scaleSets(List.of(pool, regular)));
        w.connect(new Recording(w));
        w.azure().setCapacity(pool.scaleSet(), 4).subscribe().with(ok -> { });
        w.azure().setCapacity(regular.scaleSet(), 4).subscribe().with(ok -> { });
        return w;
    }

    /** {@code count} VMs, booted with their runners online; their instance ids. */
    private List<String> booted(int count) {
        world.connect(new Recording(world));
        world.azure().setCapacity(pool.scaleSet(), count).subscribe().with(ok -> { });
        time.runFor(Duration.ofMinutes(2));
        List<String> ids = list().stream().map(ObservedInstance::instanceId).toList();
        assertThat(ids, hasSize(count));
        assertThat(result(world.gitHub().listRunners(pool.scope())).stream().filter(RunnerInfo::online).count(),
                equalTo((long) count));
        return ids;
    }

    private void kill(String runnerName) {
        assertThat(world.azure().kill(pool.scaleSet().name(), instanceNamed(runnerName)), is(true));
    }

    private String instanceNamed(String runnerName) {
        return list().stream().filter(i -> i.name().equals(runnerName)).findFirst().orElseThrow().instanceId();
    }

    private List<ObservedInstance> list() {
        return result(world.azure().list(pool.scaleSet()));
    }

    private JobInfo jobOf(long id) {
        return result(world.gitHub().getJob("octo-org/app", id)).orElseThrow();
    }

    private RunInfo run(long runId) {
        return result(world.gitHub().getRun("octo-org/app", runId)).orElseThrow();
    }

    private RunnerInfo runner(String name) {
        return result(world.gitHub().listRunners(pool.scope())).stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow();
    }

    /** Runs the call on the virtual clock; its answer. */
    private <T> T result(Uni<T> call) {
        List<T> out = new ArrayList<>();
        call.subscribe().with(out::add);
        time.runFor(Duration.ZERO);
        assertThat(out, hasSize(1));
        return out.get(0);
    }

    /** Runs the call on the virtual clock; its failure, null when it succeeded. */
    private Throwable failure(Uni<?> call) {
        List<Throwable> out = new ArrayList<>();
        boolean[] done = {false};
        call.subscribe().with(ok -> done[0] = true, out::add);
        time.runFor(Duration.ZERO);
        assertThat(done[0] || !out.isEmpty(), is(true));
        return out.isEmpty() ? null : out.get(0);
    }

    /** The scaler's endpoints as a VM and GitHub reach them: every VM gets its configuration; records the rest. */
    private final class Recording implements ScalerEndpoints {
        private final SimWorld w;

        Recording(SimWorld w) {
            this.w = w;
        }

        @Override
        public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
            deliveries.add(job);
            return Uni.createFrom().item(202);
        }

        @Override
        public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
            return w.gitHub().createRunnerConfig(pool.scope(), runnerName, LABELS, "Default").map(Optional::of);
        }

        @Override
        public void jobStarted(String runnerName) {
        }

        @Override
        public void jobCompleted(String runnerName) {
        }

        @Override
        public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
            notices.add(runnerName + " " + kind + " " + notBefore);
        }
    }
}
