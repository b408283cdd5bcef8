package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.COOLDOWN;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Surplus idle instances go after the cool-down, longest idle first, down to the desired size:
 * drained at GitHub first, deleted once their runner is removed.
 */
class IdleShrinkTest {

    private static Instance idleFor(String id, Duration d) {
        return Pools.idle(id, T0.minus(d));
    }

    /** Four idle instances: three past the cool-down (30, 10 and 6 minutes), one not (1 minute). */
    private static Scenario fourIdle(int min, int queued) {
        PoolSpec spec = Pools.spec().min(min).max(10).free(0).build();
        return Scenario.withQueued(spec, LongStream.rangeClosed(1, queued).boxed().toList(),
                idleFor("0", Duration.ofMinutes(6)),
                idleFor("1", Duration.ofMinutes(30)),
                idleFor("2", Duration.ofMinutes(10)),
                idleFor("3", Duration.ofMinutes(1)));
    }

    @ParameterizedTest(name = "min {0}, {1} queued -> drain [{2}], then delete [{3}]")
    @CsvSource({
        "0, 0, '1 2 0', '0 1 2'",   // four surplus, only three cooled down
        "1, 0, '1 2 0', '0 1 2'",
        "2, 0, '1 2',   '1 2'",     // two surplus: the longest idle
        "3, 0, '1',     '1'",
        "4, 0, '',      ''",
        "5, 0, '',      ''",
        "0, 2, '1 2',   '1 2'",     // queued jobs count against the surplus
        "0, 3, '1',     '1'",
        "0, 4, '',      ''",
    })
    void drainsTheLongestIdleDownToTheDesiredSizeThenDeletesThem(int min, int queued, String drain, String delete) {
        Scenario s = fourIdle(min, queued).tick();

        List<String> drained = ids(drain);
        assertEquals(drained, s.drained(), "longest idle first");
        assertEquals(List.of(), s.deleted(), "an idle instance is never deleted before GitHub removed its runner");
        drained.forEach(id -> assertEquals(Phase.DRAINING, s.phase(id)));
        assertEquals(4 - drained.size(), s.state().live(), "draining instances are not live");
        assertTrue(drained.isEmpty() || s.state().live() >= s.state().desired(), "never below desired");

        s.drainedRemoved();
        List<String> deleted = ids(delete);
        assertEquals(deleted, s.inFlight(Operation.Kind.DELETE).stream().flatMap(o -> o.instanceIds().stream())
                .sorted(Operation.INSTANCE_ID_ORDER).toList(), "each deleted once its runner is removed");
        deleted.forEach(id -> assertEquals(Phase.DELETING, s.phase(id)));
        assertEquals(List.of(), s.reimaged());
    }

    @Test
    void drainsNothingBeforeTheCoolDown() {
        PoolSpec spec = Pools.spec().min(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0)).tickAt(COOLDOWN.minusMillis(1));
        assertEquals(List.of(), s.drained());
        assertEquals(Phase.IDLE, s.phase("0"));
        s.tickAt(COOLDOWN);
        assertEquals(List.of("0"), s.drained());
        assertEquals(List.of(), s.deleted());
        s.removed(name("0"));
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void theCoolDownCountsFromBecomingIdle() {
        Scenario s = Scenario.with(Pools.spec().min(0).build(), Pools.provisioning("0", T0))
                .tick();
        assertEquals(List.of(), s.drained(), "provisioning instances are not surplus");
        s.at(Duration.ofMinutes(1)).configRequested(name("0"));
        s.tickAt(Duration.ofMinutes(1).plus(COOLDOWN).minusMillis(1));
        assertEquals(List.of(), s.drained());
        s.tickAt(Duration.ofMinutes(1).plus(COOLDOWN));
        assertEquals(List.of("0"), s.drained());
    }

    @Test
    void busyInstancesAreNeverSurplus() {
        PoolSpec spec = Pools.spec().min(0).max(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 1), Pools.busy("1", 2), Pools.busy("2", 3),
                idleFor("3", Duration.ofHours(1))).tick();
        assertEquals(List.of("3"), s.drained(), "live 4 > max 2, but only the idle one may go");
        s.removed(name("3"));
        assertEquals(List.of("3"), s.deleted());
        s.tickAt(Duration.ofHours(1));
        assertEquals(List.of(), s.drained());
        assertEquals(List.of(), s.deleted());
        assertEquals(3, s.state().busy());
    }

    @Test
    void aDrainedIdleInstanceLeavesWhenItsDeleteSucceeds() {
        Scenario s = fourIdle(3, 0).tick();
        assertEquals(List.of("1"), s.drained());
        s.tick();
        assertEquals(List.of(), s.drained(), "drained once, not on every decision");
        s.removed(name("1"));
        assertEquals(List.of("1"), s.deleted());
        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of("0", "2", "3"), List.copyOf(s.state().instances().keySet()));
        s.tick();
        assertEquals(List.of(), s.drained());
        assertEquals(List.of(), s.deleted());
    }

    @Test
    void aJobTakingAnIdleInstanceSavesItFromTheCoolDown() {
        PoolSpec spec = Pools.spec().min(0).free(0).build();
        Scenario s = Scenario.with(spec, idleFor("0", Duration.ofMinutes(4))).started(1, name("0"));
        s.tickAt(Duration.ofMinutes(10));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertEquals(List.of(), s.drained());
        assertEquals(List.of(), s.deleted());
    }

    private static List<String> ids(String spaced) {
        return spaced.isBlank() ? List.of() : Arrays.asList(spaced.trim().split(" +"));
    }
}
