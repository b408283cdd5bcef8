package io.vmssrunnerscaler.sim;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.vmssrunnerscaler.engine.AdaptiveIdle;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.runtime.VirtualRun;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A pool whose office-hours period keeps idle runners ready, on the virtual clock through the
 * engine, the pool loop and the simulator: the runners are there when the period starts, and when
 * it ends under long jobs nothing busy is touched, the surplus idle runners go, and the pool empties
 * once the jobs are over.
 */
class ScheduledRunTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Monday 2026-11-02, 07:30 in Berlin (CET). */
    private static final Instant START = Instant.parse("2026-11-02T06:30:00Z");
    private static final Duration COOLDOWN = Duration.ofMinutes(5);

    private static Pool pool() {
        SchedulePeriod office = new SchedulePeriod("office", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                LocalTime.of(8, 0), LocalTime.of(18, 0), BERLIN, OptionalInt.empty(), OptionalInt.of(5),
                OptionalInt.empty(), OptionalInt.empty());
        PoolSpec spec = new PoolSpec("linux", Set.of("self-hosted", "linux"), 0, 20, 0, AfterJob.REIMAGE_OR_DELETE,
                Duration.ofMinutes(10), COOLDOWN, Duration.ofSeconds(60), Duration.ofHours(1))
                .withWarmCapacity(0, List.of(office), AdaptiveIdle.OFF);
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
    }

    private static long idle(PoolState s) {
        return s.instances().values().stream().filter(i -> i.phase() == Phase.IDLE).count();
    }

    @Test
    void theOfficePeriodKeepsRunnersReadyAndItsEndTouchesNothingBusy() {
        List<Pool> pools = List.of(pool());
        VirtualRun run = new VirtualRun(pools, VirtualRunTest.settings(0), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(60), START).start();
        SimEventLog log = run.world().log();
        run.runFor(Duration.ofMinutes(29)); // 07:59
        PoolState beforeOffice = run.scaler().loop("linux").orElseThrow().state();
        assertThat("no demand and no period: nothing", beforeOffice.live(), equalTo(0));

        run.runFor(Duration.ofMinutes(5)); // 08:04: one boot after the period began
        PoolState office = run.scaler().loop("linux").orElseThrow().state();
        assertThat(office.sizing().period(), equalTo("office"));
        assertThat("five idle runners ready", idle(office), equalTo(5L));

        // 17:30: long jobs (40-50 min) that run past the period's end
        run.runFor(Duration.ofHours(9).plusMinutes(26));
        new SimWorkload(run.world(), SimulatorWiring.scaleSets(pools), Map.of(), 0, Duration.ofMinutes(40),
                Duration.ofMinutes(50), 3).burst(8, Set.of(), null);
        run.runFor(Duration.ofMinutes(29).plusSeconds(50)); // 17:59:50
        PoolState lastOfOffice = run.scaler().loop("linux").orElseThrow().state();
        Set<String> busyAtTheEnd = lastOfOffice.instances().values().stream().filter(i -> i.phase().isBusy())
                .map(Instance::instanceId).collect(Collectors.toSet());
        assertThat(busyAtTheEnd.size(), equalTo(8));
        assertThat(idle(lastOfOffice), greaterThanOrEqualTo(5L));

        run.runFor(Duration.ofSeconds(20)); // 18:00:10, the period is over
        PoolState after = run.scaler().loop("linux").orElseThrow().state();
        assertThat(after.sizing().period(), equalTo(""));
        assertThat(after.desired(), equalTo(8));
        // the idle runners have idled longer than the cool-down already: they go now (WarmCapacityTest
        // shows one that has not waiting for it)

        run.runFor(Duration.ofMinutes(2)); // 18:02
        PoolState cooled = run.scaler().loop("linux").orElseThrow().state();
        assertThat("surplus idle runners gone after the cool-down", idle(cooled), equalTo(0L));
        assertThat("the busy ones still run their jobs", cooled.instances().values().stream()
                .filter(i -> busyAtTheEnd.contains(i.instanceId()) && i.phase().isBusy()).count(), equalTo(8L));

        run.runFor(Duration.ofHours(1)); // the jobs are over
        assertThat(run.scaler().loop("linux").orElseThrow().state().live(), equalTo(0));
        assertThat(log.of(SimEvent.Kind.JOB_COMPLETED).size(), equalTo(8));
        assertThat(log.of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED).size(), equalTo(0));
        assertThat(log.of(SimEvent.Kind.DELETE_REQUESTED).size(), greaterThan(0));
    }
}
