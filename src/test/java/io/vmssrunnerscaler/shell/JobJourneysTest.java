package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a job's time is split into stages at the milestones of the instance it ran on (issue 17). */
class JobJourneysTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /** Records what the journeys report. */
    static final class Recording implements JourneyObserver {
        final List<String> stages = new ArrayList<>();
        final List<JobJourney> ended = new ArrayList<>();

        @Override
        public void stage(String pool, JobStage stage, Duration took) {
            stages.add(pool + " " + stage.tag() + " " + took.toSeconds());
        }

        @Override
        public void ended(JobJourney journey) {
            ended.add(journey);
        }
    }

    private static Map<JobStage, Long> seconds(JobJourney j) {
        Map<JobStage, Long> byStage = new LinkedHashMap<>();
        j.stages().forEach(s -> byStage.put(s.stage(), s.duration().toSeconds()));
        return byStage;
    }

    @Test
    void aJobThatWaitedForANewInstanceHasEveryStageAndTheyAddUpToTheWholeWait() {
        Recording seen = new Recording();
        JobJourneys.PoolJourneys pool = new JobJourneys(null, seen).of("linux");
        pool.received(7, "octo-org/app", at(0), at(3));
        pool.capacityAsked(List.of(7L), at(4));
        pool.call(new JobJourney.CallTime("linux-vmss", "set_capacity", "succeeded", at(4), at(30)));
        pool.instanceCreated("linux00000a", at(33));
        pool.configured("linux00000a", at(63));
        pool.online("linux00000a", at(70));
        pool.started(7, "linux00000a", at(72));
        pool.completed(7, at(172));
        assertTrue(seen.ended.isEmpty(), "the journey ends when the instance is recycled");
        pool.recycled("linux00000a", at(190));

        JobJourney j = seen.ended.get(0);
        assertEquals(Map.of(JobStage.WEBHOOK, 3L, JobStage.SCHEDULING, 1L, JobStage.PROVISIONING, 29L, JobStage.BOOT, 30L,
                JobStage.REGISTRATION, 7L, JobStage.ASSIGNMENT, 2L, JobStage.RUN, 100L, JobStage.RECYCLE, 18L), seconds(j));
        assertEquals(List.of(JobStage.values()), j.stages().stream().map(JobJourney.StageTime::stage).toList(), "in order");
        long waited = j.stages().stream().filter(s -> s.stage().waiting()).mapToLong(s -> s.duration().toSeconds()).sum();
        assertEquals(72, waited, "every second from GitHub's creation to the start is in one waiting stage");
        assertEquals(List.of("set_capacity"), j.calls().stream().map(JobJourney.CallTime::kind).toList());
        assertEquals("linux00000a", j.runnerName());
        assertEquals(List.of("linux webhook 3", "linux scheduling 1", "linux provisioning 29", "linux boot 30",
                "linux registration 7", "linux assignment 2", "linux run 100", "linux recycle 18"), seen.stages,
                "each stage is reported as soon as it is over");
    }

    @Test
    void aJobThatFoundAnIdleRunnerWaitsOnlyForGitHubToAssignIt() {
        Recording seen = new Recording();
        JobJourneys.PoolJourneys pool = new JobJourneys(null, seen).of("linux");
        pool.instanceCreated("linux00000b", at(0));
        pool.configured("linux00000b", at(30));
        pool.online("linux00000b", at(35));
        pool.received(8, "octo-org/app", at(99), at(100));
        pool.started(8, "linux00000b", at(102));
        pool.completed(8, at(110));
        pool.recycled("linux00000b", at(120));

        assertEquals(Map.of(JobStage.WEBHOOK, 1L, JobStage.SCHEDULING, 0L, JobStage.PROVISIONING, 0L, JobStage.BOOT, 0L,
                JobStage.REGISTRATION, 0L, JobStage.ASSIGNMENT, 2L, JobStage.RUN, 8L, JobStage.RECYCLE, 10L),
                seconds(seen.ended.get(0)));
    }

    @Test
    void milestonesOutsideTheWaitAreClampedSoTheStagesStillAddUp() {
        Recording seen = new Recording();
        JobJourneys.PoolJourneys pool = new JobJourneys(null, seen).of("linux");
        // Created for an earlier job before this one came, configured while this one waited; never seen online.
        pool.instanceCreated("linux00000c", at(0));
        pool.received(9, "", at(20), at(10)); // GitHub's clock ahead of ours: no negative delay
        pool.configured("linux00000c", at(40));
        pool.started(9, "linux00000c", at(50));
        pool.completed(9, at(60));
        pool.recycled("linux00000c", at(61));

        Map<JobStage, Long> s = seconds(seen.ended.get(0));
        assertEquals(0L, s.get(JobStage.WEBHOOK));
        assertEquals(0L, s.get(JobStage.SCHEDULING), "capacity was there already");
        assertEquals(0L, s.get(JobStage.PROVISIONING));
        assertEquals(30L, s.get(JobStage.BOOT));
        assertEquals(10L, s.get(JobStage.REGISTRATION), "not seen online: registration runs until the start");
        assertEquals(0L, s.get(JobStage.ASSIGNMENT));
        assertEquals(40L, s.values().stream().limit(6).mapToLong(Long::longValue).sum());
    }

    @Test
    void aJobCancelledWhileWaitingEndsWithoutARunner() {
        Recording seen = new Recording();
        JobJourneys.PoolJourneys pool = new JobJourneys(null, seen).of("linux");
        pool.received(10, "octo-org/app", at(0), at(2));
        pool.completed(10, at(30));

        JobJourney j = seen.ended.get(0);
        assertFalse(j.started());
        assertEquals(List.of(JobStage.WEBHOOK), j.stages().stream().map(JobJourney.StageTime::stage).toList());
        pool.completed(10, at(31));
        assertEquals(1, seen.ended.size(), "a repeated delivery ends nothing twice");
    }

    @Test
    void aJobMovedBetweenScaleSetsKeepsItsJourneyAndARecycleBeforeTheCompletedDeliveryEndsTheRun() {
        Recording seen = new Recording();
        JobJourneys.PoolJourneys pool = new JobJourneys(null, seen).of("linux");
        pool.received(11, "", null, at(5));
        pool.received(11, "", null, at(50)); // handed to the pool's other scale set: the first receipt stands
        pool.instanceCreated("linux00000d", at(6));
        pool.configured("linux00000d", at(20));
        pool.online("linux00000d", at(25));
        pool.started(11, "linux00000d", at(26));
        pool.recycled("linux00000d", at(80));

        Map<JobStage, Long> s = seconds(seen.ended.get(0));
        assertEquals(0L, s.get(JobStage.WEBHOOK), "GitHub's creation time not known: no delay counted");
        assertEquals(21L, s.values().stream().limit(6).mapToLong(Long::longValue).sum());
        assertEquals(54L, s.get(JobStage.RUN));
        assertEquals(0L, s.get(JobStage.RECYCLE));
    }

    @Test
    void recentLatencyGivesNearestRankPercentilesPerStageAndCall() {
        JobJourneys.PoolJourneys pool = new JobJourneys(null, JourneyObserver.NONE).of("linux");
        for (int job = 1; job <= 20; job++) {
            pool.received(job, "", at(0), at(job)); // webhook delays 1..20 s
        }
        pool.call(new JobJourney.CallTime("linux-vmss", "set_capacity", "succeeded", at(0), at(4)));
        pool.call(new JobJourney.CallTime("linux-vmss", "set_capacity", "succeeded", at(0), at(8)));
        pool.call(new JobJourney.CallTime("linux-vmss", "reimage", "failed", at(0), at(1)));

        JobJourneys.PoolLatency latency = pool.latency();
        assertEquals(new JobJourneys.StageLatency("webhook", 20, 10.0, 19.0), latency.stages().get(0));
        assertEquals(List.of(new JobJourneys.CallLatency("set_capacity", "succeeded", 2, 4.0, 8.0),
                new JobJourneys.CallLatency("reimage", "failed", 1, 1.0, 1.0)), latency.calls());
        assertEquals(0, latency.jobs(), "none started yet");
    }
}
