package io.vmssrunnerscaler.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A small history replayed through the real engine, shell and simulator: each job is counted in
 * the pool the scaler routes it to, a pool whose min covers its demand starts jobs at once while a
 * pool of min 0 makes each job wait for a VM to boot, more free capacity costs more instance-minutes,
 * a pool over two scale sets is one pool, and jobs no pool serves are counted apart. Virtual time.
 */
class ReplayRunTest {
    private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    private static final Set<String> SMALL = Set.of("self-hosted", "linux", "x64");
    private static final Set<String> BIG = Set.of("self-hosted", "linux", "x64", "large");
    private static final ReplayRun.World WORLD = ReplayRun.World.of(Duration.ofSeconds(90), Duration.ofSeconds(60), 7);

    /**
     * Over an hour: 8 small jobs of 3 min, one every 6 min (never more than one at a time); 4 big jobs
     * of 4 min, one every 15 min (each after the last one's VM was removed); 2 Windows jobs no pool
     * serves. The small jobs recorded waits of 1 to 8 s, the others 7 s.
     */
    static JobHistory history() {
        List<JobHistory.Job> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            jobs.add(job(100 + i, T0.plus(Duration.ofMinutes(6L * i)), Duration.ofMinutes(3), SMALL, 8 - i));
        }
        for (int i = 0; i < 4; i++) {
            jobs.add(job(200 + i, T0.plus(Duration.ofMinutes(2 + 15L * i)), Duration.ofMinutes(4), BIG, 7));
        }
        jobs.add(job(300, T0.plus(Duration.ofMinutes(20)), Duration.ofMinutes(5), Set.of("self-hosted", "windows"), 7));
        jobs.add(job(301, T0.plus(Duration.ofMinutes(40)), Duration.ofMinutes(5), Set.of("self-hosted", "windows"), 7));
        jobs.sort(java.util.Comparator.comparing(JobHistory.Job::queuedAt).thenComparingLong(JobHistory.Job::id));
        return new JobHistory("test", List.copyOf(jobs), Map.of(), 0);
    }

    private static JobHistory.Job job(long id, Instant queued, Duration length, Set<String> labels, int waited) {
        Instant started = queued.plusSeconds(waited);
        return new JobHistory.Job(id, queued, started, started.plus(length), labels, "octo-org/app", "job " + id);
    }

    /** small: min 3; big: min 0, no free share; small's free share as given. */
    static ReplayRun.Variant variant(String name, int smallFreePercent) {
        Map<String, String> p = new HashMap<>();
        p.put("scaler.pools.small.labels", "linux,x64");
        p.put("scaler.pools.small.min", "3");
        p.put("scaler.pools.small.max", "10");
        p.put("scaler.pools.small.free-percent", Integer.toString(smallFreePercent));
        p.put("scaler.pools.small.scope", "octo-org/app");
        p.put("scaler.pools.big.labels", "linux,x64,large");
        p.put("scaler.pools.big.min", "0");
        p.put("scaler.pools.big.max", "5");
        p.put("scaler.pools.big.free-percent", "0");
        p.put("scaler.pools.big.scope", "octo-org/app");
        return new ReplayRun.Variant(name, p);
    }

    private static Set<Long> ids(long from, int count) {
        return java.util.stream.LongStream.range(from, from + count).boxed().collect(Collectors.toSet());
    }

    @Test
    void eachJobIsCountedInThePoolItIsRoutedToAndMinCoveringDemandMeansNoWait() {
        JobHistory history = history();
        ReplayRun.Result r = ReplayRun.run(history, variant("today", 25), WORLD);
        assertThat(r.start(), equalTo(T0.minus(Duration.ofMinutes(10))));
        // the last job, big, queued at 47 min, runs 4 min after a wait of at most 160 s; checked every minute
        assertThat("the run ends once every job completed, long before the drain's end", r.end(), allOf(
                greaterThanOrEqualTo(T0.plus(Duration.ofMinutes(47 + 4))),
                lessThanOrEqualTo(T0.plus(Duration.ofMinutes(47 + 4 + 4)))));
        assertThat(r.pools().keySet(), contains("big", "small"));
        ReplayRun.PoolResult small = r.pools().get("small");
        ReplayRun.PoolResult big = r.pools().get("big");
        assertThat(small.jobIds(), equalTo(ids(100, 8)));
        assertThat(big.jobIds(), equalTo(ids(200, 4)));
        assertThat(small.scaleSets(), contains("small"));
        assertThat(small.neverStarted() + big.neverStarted(), is(0));
        assertThat("min 3 covers one job at a time: a runner is idle when each job comes", small.waits().max(),
                lessThan(5.0));
        assertThat(small.waits().p50(), greaterThanOrEqualTo(0.0));
        // min 0 and no free share: each big job waits at least for its VM to boot (capacity + provisioning)
        assertThat(big.waits().p50(), greaterThanOrEqualTo(90.0));
        assertThat(big.waits().max(), lessThan(5 + 90 + 5 + 60.0));
        assertThat("a big job only runs on a big runner", big.ranElsewhere(), is(0));
        assertThat("nearest rank: the 4th of 8", small.recorded().p50(), equalTo(4.0));
        assertThat("nearest rank: the 8th of 8", small.recorded().p95(), equalTo(8.0));
        assertThat(small.recorded().max(), equalTo(8.0));
        assertThat(small.recorded().count(), is(8));
        assertThat("the 4th of 4", big.waits().p95(), equalTo(big.waits().max()));
        assertThat(big.waits().p50(), lessThanOrEqualTo(big.waits().p95()));
        // small keeps 3 instances from minute 2 of the warm-up to the end; big's instances ran 4 jobs of 4 min
        double minutes = Duration.between(r.start(), r.end()).toSeconds() / 60.0;
        assertThat(small.instanceMinutes(), greaterThanOrEqualTo(3 * (minutes - 2)));
        assertThat(small.peakInstances(), greaterThanOrEqualTo(3));
        assertThat(big.instanceMinutes(), greaterThanOrEqualTo(4 * 4.0));
        assertThat("big's VMs are removed between its jobs", big.instanceMinutes(), lessThan(minutes));
        assertThat(r.all().jobs(), is(12));
        assertThat(r.all().instanceMinutes(), closeTo(small.instanceMinutes() + big.instanceMinutes()));
        assertThat(r.unserved(), is(2));
        assertThat(r.unservedLabels(), equalTo(Map.of("self-hosted,windows in octo-org/app", 2)));
    }

    private static org.hamcrest.Matcher<Double> closeTo(double v) {
        return org.hamcrest.Matchers.closeTo(v, 1e-6);
    }

    @Test
    void aScheduleInTheTeamsZoneMeetsTheHistoryAtItsRealTimes() {
        // big has min 0: each big job waits for a boot, unless a period keeps a big runner idle. The
        // history starts Monday 09:00 UTC, 10:00 in Berlin: a Berlin period from 10:00 covers it, one
        // from 11:00 (after the last big job, at 10:47 Berlin) does not.
        JobHistory history = history();
        double covered = ReplayRun.run(history, withBigOffice("covered", "10:00"), WORLD).pools().get("big").waits().max();
        double missed = ReplayRun.run(history, withBigOffice("missed", "11:00"), WORLD).pools().get("big").waits().max();
        assertThat("a big runner idle in the period's hours: no boot to wait for", covered, lessThan(5.0));
        assertThat(missed, greaterThanOrEqualTo(90.0));
    }

    private static ReplayRun.Variant withBigOffice(String name, String start) {
        Map<String, String> p = new HashMap<>(variant(name, 25).properties());
        p.put("scaler.pools.big.schedules.office.days", "mon-fri");
        p.put("scaler.pools.big.schedules.office.start", start);
        p.put("scaler.pools.big.schedules.office.end", "18:00");
        p.put("scaler.pools.big.schedules.office.timezone", "Europe/Berlin");
        p.put("scaler.pools.big.schedules.office.min-idle", "1");
        return new ReplayRun.Variant(name, p);
    }

    @Test
    void moreFreeCapacityCostsMoreInstanceMinutes() {
        JobHistory history = history();
        ReplayRun.Result today = ReplayRun.run(history, variant("today", 0), WORLD);
        ReplayRun.Result roomy = ReplayRun.run(history, variant("roomy", 300), WORLD);
        assertThat(roomy.pools().get("small").jobIds(), equalTo(today.pools().get("small").jobIds()));
        assertThat(roomy.pools().get("small").instanceMinutes(),
                greaterThan(today.pools().get("small").instanceMinutes() + 10));
        assertThat(roomy.pools().get("small").peakInstances(), greaterThan(today.pools().get("small").peakInstances()));
    }

    @Test
    void aPoolOverTwoScaleSetsIsOnePoolAndAJobFromAnotherRepositoryIsUnserved() {
        ReplayRun.Variant two = variant("two", 25);
        Map<String, String> p = new HashMap<>(two.properties());
        p.put("scaler.pools.small.scale-sets[0].name", "small-a");
        p.put("scaler.pools.small.scale-sets[1].name", "small-b");
        List<JobHistory.Job> jobs = new java.util.ArrayList<>(history().jobs());
        jobs.add(new JobHistory.Job(400, T0.plusSeconds(30), T0.plusSeconds(40), T0.plusSeconds(100), SMALL, "octo-org/other",
                "elsewhere"));
        jobs.sort(java.util.Comparator.comparing(JobHistory.Job::queuedAt));
        ReplayRun.Result r = ReplayRun.run(new JobHistory("test", jobs, Map.of(), 0), new ReplayRun.Variant("two", p), WORLD);
        assertThat(r.pools().keySet(), contains("big", "small"));
        ReplayRun.PoolResult small = r.pools().get("small");
        assertThat(small.scaleSets(), contains("small-a", "small-b"));
        assertThat(small.jobIds(), equalTo(ids(100, 8)));
        assertThat(small.neverStarted(), is(0));
        double minutes = Duration.between(r.start(), r.end()).toSeconds() / 60.0;
        assertThat("the instance-minutes of both scale sets", small.instanceMinutes(),
                greaterThanOrEqualTo(3 * (minutes - 2)));
        assertThat(r.all().instanceMinutes(), closeTo(small.instanceMinutes() + r.pools().get("big").instanceMinutes()));
        assertThat(r.unservedLabels(), equalTo(Map.of("self-hosted,windows in octo-org/app", 2,
                "linux,self-hosted,x64 in octo-org/other", 1)));
    }

    /**
     * GitHub gives a queued job to any idle runner whose labels cover the job's: a big runner takes a
     * small job when no small runner is idle, though the scaler routed the job to small.
     */
    @Test
    void aJobGitHubGaveToAnotherPoolsRunnerIsCountedInItsOwnPool() {
        Map<String, String> p = new HashMap<>(variant("v", 0).properties());
        p.put("scaler.pools.small.min", "0");
        p.put("scaler.pools.big.min", "1");
        JobHistory one = new JobHistory("test", List.of(job(1, T0, Duration.ofMinutes(3), SMALL, 2)), Map.of(), 0);
        ReplayRun.Result r = ReplayRun.run(one, new ReplayRun.Variant("v", p), WORLD);
        ReplayRun.PoolResult small = r.pools().get("small");
        assertThat(small.jobIds(), equalTo(Set.of(1L)));
        assertThat(small.ranElsewhere(), is(1));
        assertThat("the big runner was idle since the warm-up", small.waits().max(), lessThan(5.0));
        assertThat(r.pools().get("big").jobs(), is(0));
    }

    @Test
    void settingsTheServiceWouldRefuseAreRefusedWithTheirKey() {
        ReplayRun.Variant v = variant("broken", 25);
        Map<String, String> p = new HashMap<>(v.properties());
        p.put("scaler.pools.small.min", "30");
        ReplayRun.BadVariant e = assertThrows(ReplayRun.BadVariant.class,
                () -> new ReplayRun.Variant("broken", p).pools());
        assertThat(e.getMessage(), org.hamcrest.Matchers.containsString("scaler.pools.small.min"));
        assertThat(e.getMessage(), org.hamcrest.Matchers.startsWith("variant broken: "));
    }
}
