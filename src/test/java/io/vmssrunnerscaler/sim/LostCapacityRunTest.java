package io.vmssrunnerscaler.sim;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.runtime.VirtualRun;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.shell.LostJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Capacity lost under jobs, on the virtual clock: a pool of a Spot scale set then a Regular one,
 * a steady workload, and Spot evictions in a storm or VMs that die without notice. With re-runs on,
 * no job is lost for good: every job GitHub failed with its runner is re-run exactly once and
 * succeeds; and a Spot scale set evicted past the pool's threshold gets no new capacity until the
 * cool-down has passed. With re-runs off, the lost jobs stay failed and are counted.
 */
class LostCapacityRunTest {
    static final Instant START = SpanningPoolRunTest.START;
    static final Duration STORM_AT = Duration.ofMinutes(60);
    static final Duration COOLDOWN = Duration.ofMinutes(30);
    static final String SPOT = "lin-spot";
    static final String REGULAR = "lin-reg";

    /**
     * Pool "linux" over lin-spot (Spot, by its name) and lin-reg, max 20 each, no free capacity
     * kept: the pool passes an evicted scale set over when it routes jobs, while each scale set's
     * engine keeps its free percentage over its own busy runners wherever they are (see
     * {@link #member}), which would grow a passed-over scale set too.
     */
    static List<Pool> pool(boolean rerun) {
        LossPolicy losses = new LossPolicy(rerun, 1000);
        Pool spot = member(SPOT).withLosses(losses);
        return List.of(spot.withSpec(spot.spec().withEvictionLimit(new PoolSpec.EvictionLimit(3, Duration.ofMinutes(10),
                COOLDOWN))), member(REGULAR).withLosses(losses));
    }

    /** As {@link SpanningPoolRunTest#member}, with free-percent 0. */
    static Pool member(String scaleSet) {
        PoolSpec spec = new PoolSpec(Pool.memberName("linux", scaleSet), SpanningPoolRunTest.LABELS, 0, 20, 0,
                AfterJob.REIMAGE_OR_DELETE, Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60),
                Duration.ofHours(1), Duration.ofMinutes(2));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet),
                scaleSet.replace("-", ""), "linux", false);
    }

    /** Two hours of jobs (2 a minute, 3-8 min each) under these losses, then an hour to settle. */
    static VirtualRun run(List<Pool> members, SimSettings.Losses losses) {
        VirtualRun run = new VirtualRun(members, VirtualRunTest.settings(0).withLosses(losses), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(60), START).start();
        SimWorkload workload = new SimWorkload(run.world(), SimulatorWiring.scaleSets(members), Map.of(), 2,
                Duration.ofMinutes(3), Duration.ofMinutes(8), 5);
        workload.start();
        run.runFor(Duration.ofHours(2));
        workload.stop();
        run.runFor(Duration.ofHours(1));
        return run;
    }

    @Test
    void anEvictionStormLosesNoJobAndSendsNewCapacityToRegularUntilTheCoolDown() {
        VirtualRun run = run(pool(true), SimSettings.Losses.NONE.withStorm(STORM_AT, 0.5));
        SimEventLog log = run.world().log();

        assertThat("the storm passed the threshold", log.of(SimEvent.Kind.EVICTION_NOTICE).size(),
                greaterThanOrEqualTo(3));
        assertThat("and took jobs with it", log.of(SimEvent.Kind.JOB_FAILED).size(), greaterThan(0));
        WorldInvariants.everyJobEventuallySucceeded(log, run.world().gitHub()::originOf);
        WorldInvariants.failedJobsReRunOnce(log);
        WorldInvariants.nothingBusyTouched(log);
        assertThat("the scaler asked for each re-run once", outcomes(run, LostJobs.Outcome.RERUN),
                equalTo(log.of(SimEvent.Kind.JOB_FAILED).size()));
        assertThat(run.scaler().lostJobs().pendingCount(), equalTo(0));

        Instant storm = START.plus(STORM_AT);
        Instant coolDownEnds = storm.plus(COOLDOWN);
        assertThat("no new Spot capacity during the cool-down",
                created(log, SPOT, storm.plusSeconds(1), coolDownEnds.minusSeconds(1)), empty());
        assertThat("new capacity went to Regular instead",
                created(log, REGULAR, storm.plusSeconds(1), coolDownEnds.minusSeconds(1)).size(), greaterThan(0));
        assertThat("Spot serves again after the cool-down",
                created(log, SPOT, coolDownEnds, START.plus(Duration.ofHours(2))).size(), greaterThan(0));
    }

    @Test
    void vmsThatDieWithoutNoticeLoseNoJob() {
        VirtualRun run = run(pool(true), SimSettings.Losses.NONE.withKills(0.5));
        SimEventLog log = run.world().log();

        assertThat(log.of(SimEvent.Kind.INSTANCE_KILLED).size(), greaterThan(0));
        assertThat("kills took jobs", log.of(SimEvent.Kind.JOB_FAILED).size(), greaterThan(0));
        assertThat(log.of(SimEvent.Kind.EVICTION_NOTICE), empty());
        WorldInvariants.everyJobEventuallySucceeded(log, run.world().gitHub()::originOf);
        WorldInvariants.failedJobsReRunOnce(log);
        WorldInvariants.nothingBusyTouched(log);
        assertThat(run.scaler().lostJobs().pendingCount(), equalTo(0));
    }

    @Test
    void withoutReRunsTheLostJobsStayFailedAndAreCounted() {
        VirtualRun run = run(pool(false), SimSettings.Losses.NONE.withStorm(STORM_AT, 0.5));
        SimEventLog log = run.world().log();

        Set<Long> failed = log.of(SimEvent.Kind.JOB_FAILED).stream().map(SimEvent::jobId).collect(Collectors.toSet());
        assertThat(failed.size(), greaterThan(0));
        assertThat(log.of(SimEvent.Kind.JOB_RERUN), empty());
        assertThat("lost for good: exactly the failed ones", WorldInvariants.lostForGood(log, run.world().gitHub()::originOf),
                equalTo(failed));
        assertThat("each counted as not re-run", outcomes(run, LostJobs.Outcome.NOT_RERUN), equalTo(failed.size()));
        WorldInvariants.nothingBusyTouched(log);
    }

    /** Lost jobs of the whole pool that ended so. */
    private static int outcomes(VirtualRun run, LostJobs.Outcome outcome) {
        return (int) run.scaler().loops().stream()
                .flatMap(l -> run.scaler().lostJobs().of(l.pool().name()).stream())
                .filter(j -> j.outcome() == outcome).count();
    }

    /** Instances created in this scale set within [from, to]. */
    private static List<SimEvent> created(SimEventLog log, String scaleSet, Instant from, Instant to) {
        return log.of(SimEvent.Kind.INSTANCE_CREATED).stream()
                .filter(e -> e.scaleSet().equals(scaleSet) && !e.at().isBefore(from) && !e.at().isAfter(to)).toList();
    }
}
