package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.runtime.VirtualRun;
import io.vmssrunnerscaler.shell.JobJourney;
import io.vmssrunnerscaler.shell.JobStage;
import io.vmssrunnerscaler.shell.JourneyObserver;
import io.vmssrunnerscaler.shell.WaitingJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every job's journey through the real engine, loops and simulator on a virtual clock: each stage
 * is measured, the waiting stages add up to what the simulated GitHub saw each job wait, and a
 * waiting job says why it waits (issue 17).
 */
class JourneyRunTest {

    /** Keeps every journey. */
    static final class Journeys implements JourneyObserver {
        final List<JobJourney> ended = new CopyOnWriteArrayList<>();

        @Override
        public void stage(String pool, JobStage stage, Duration took) {
        }

        @Override
        public void ended(JobJourney journey) {
            ended.add(journey);
        }
    }

    private static VirtualRun run(Pool pool, Journeys journeys) {
        return new VirtualRun(List.of(pool), VirtualRunTest.settings(0), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(60), VirtualRunTest.START, journeys).start();
    }

    @Test
    void eachJobsWaitIsSplitIntoStagesThatAddUpToTheWaitGitHubSaw() {
        Pool linux = VirtualRunTest.pool("linux", 1, 10, 0, "self-hosted", "linux");
        Journeys journeys = new Journeys();
        VirtualRun run = run(linux, journeys);
        run.runFor(Duration.ofMinutes(3));
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(linux)), Map.of(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(60), 1).burst(6, Set.of("self-hosted", "linux"), null);
        run.runFor(Duration.ofMinutes(20));

        SimEventLog log = run.world().log();
        Map<Long, Instant> queued = log.of(SimEvent.Kind.JOB_QUEUED).stream()
                .collect(Collectors.toMap(SimEvent::jobId, SimEvent::at, (a, b) -> a));
        Map<Long, Instant> started = log.of(SimEvent.Kind.JOB_STARTED).stream()
                .collect(Collectors.toMap(SimEvent::jobId, SimEvent::at, (a, b) -> a));
        assertEquals(6, journeys.ended.size(), () -> "every job's journey ends once its instance is recycled: " + journeys.ended);
        for (JobJourney j : journeys.ended) {
            assertEquals(List.of(JobStage.values()), j.stages().stream().map(JobJourney.StageTime::stage).toList());
            Duration waited = j.stages().stream().filter(s -> s.stage().waiting()).map(JobJourney.StageTime::duration)
                    .reduce(Duration.ZERO, Duration::plus);
            assertEquals(Duration.between(queued.get(j.jobId()), started.get(j.jobId())), waited,
                    () -> "job " + j.jobId() + ": " + j.stages());
        }
        // Five of the six had no idle runner: they waited for Azure to create their instances and for the VMs to boot.
        long provisioned = journeys.ended.stream().filter(j -> stage(j, JobStage.PROVISIONING).compareTo(Duration.ZERO) > 0
                && stage(j, JobStage.BOOT).compareTo(Duration.ZERO) > 0
                && stage(j, JobStage.REGISTRATION).equals(VirtualRunTest.settings(0).runnerStartDelay())).count();
        assertEquals(5, provisioned, () -> journeys.ended.toString());
        assertTrue(journeys.ended.stream().anyMatch(j -> j.calls().stream().anyMatch(c -> c.kind().equals("set_capacity"))),
                "the capacity change is part of the journeys it served");
    }

    @Test
    void aWaitingJobSaysItWaitsOnAPausedPoolAndThenForProvisioning() {
        Pool linux = VirtualRunTest.pool("linux", 0, 4, 0, "self-hosted", "linux");
        VirtualRun run = run(linux, new Journeys());
        run.runFor(Duration.ofMinutes(1));
        run.scaler().pause("linux", true).await().indefinitely();
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(linux)), Map.of(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(60), 1).burst(2, Set.of("self-hosted", "linux"), null);
        run.runFor(Duration.ofMinutes(2));

        List<WaitingJob> waiting = run.scaler().waitingJobs("linux");
        assertEquals(2, waiting.size());
        assertTrue(waiting.stream().allMatch(w -> w.stage().equals(WaitingJob.CAPACITY)
                && w.reason().startsWith("paused")), waiting::toString);
        assertEquals(0, run.world().azure().instanceCount("linux-vmss"), "nothing grew while paused");

        run.scaler().pause("linux", false).await().indefinitely();
        run.runFor(Duration.ofSeconds(8));
        List<WaitingJob> resumed = run.scaler().waitingJobs("linux");
        assertTrue(resumed.stream().allMatch(w -> w.reason() == null && !w.stage().equals(WaitingJob.CAPACITY)),
                resumed::toString);
        run.runFor(Duration.ofMinutes(10));
        assertEquals(List.of(), run.scaler().waitingJobs("linux"));
        assertEquals(2, run.world().log().of(SimEvent.Kind.JOB_STARTED).size());
    }

    @Test
    void aJobWaitingOnAFullPoolSaysSo() {
        Pool linux = VirtualRunTest.pool("linux", 0, 1, 0, "self-hosted", "linux");
        VirtualRun run = run(linux, new Journeys());
        run.runFor(Duration.ofMinutes(1));
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(List.of(linux)), Map.of(), 0, Duration.ofMinutes(30),
                Duration.ofMinutes(30), 1).burst(2, Set.of("self-hosted", "linux"), null);
        run.runFor(Duration.ofMinutes(5));

        List<WaitingJob> waiting = run.scaler().waitingJobs("linux");
        assertEquals(List.of("pool at max (1)"), waiting.stream().map(WaitingJob::reason).toList(), waiting::toString);
        run.scaler().loop("linux").orElseThrow().offer(new PoolEvent.OverridesSet(null, 2, null));
        run.runFor(Duration.ofSeconds(5));
        assertTrue(run.scaler().waitingJobs("linux").stream().allMatch(w -> w.reason() == null),
                () -> "raised max: " + run.scaler().waitingJobs("linux"));
    }

    private static Duration stage(JobJourney j, JobStage stage) {
        return j.stages().stream().filter(s -> s.stage() == stage).findFirst().orElseThrow().duration();
    }
}
