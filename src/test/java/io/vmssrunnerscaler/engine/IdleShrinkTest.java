package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.COOLDOWN;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Surplus idle instances go after the cool-down, longest idle first, down to the desired size. */
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

    @ParameterizedTest(name = "min {0}, {1} queued -> delete [{2}]")
    @CsvSource({
        "0, 0, '0 1 2'",   // four surplus, only three cooled down
        "1, 0, '0 1 2'",
        "2, 0, '1 2'",     // two surplus: the longest idle
        "3, 0, '1'",
        "4, 0, ''",
        "5, 0, ''",
        "0, 2, '1 2'",     // queued jobs count against the surplus
        "0, 3, '1'",
        "0, 4, ''",
    })
    void deletesTheLongestIdleDownToTheDesiredSize(int min, int queued, String expected) {
        Scenario s = fourIdle(min, queued).tick();

        List<String> ids = expected.isBlank() ? List.of() : Arrays.asList(expected.split(" "));
        assertEquals(ids, s.deleted());
        ids.forEach(id -> assertEquals(Phase.DELETING, s.phase(id)));
        assertTrue(ids.isEmpty() || s.state().live() >= s.state().desired(), "never below desired");
    }

    @Test
    void deletesNothingBeforeTheCoolDown() {
        PoolSpec spec = Pools.spec().min(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0)).tickAt(COOLDOWN.minusMillis(1));
        assertEquals(List.of(), s.deleted());
        s.tickAt(COOLDOWN);
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void theCoolDownCountsFromBecomingIdle() {
        Scenario s = Scenario.with(Pools.spec().min(0).build(), Pools.provisioning("0", T0))
                .tick();
        assertEquals(List.of(), s.deleted(), "provisioning instances are not surplus-deleted");
        s.at(Duration.ofMinutes(1)).configRequested(Pools.name("0"));
        s.tickAt(Duration.ofMinutes(1).plus(COOLDOWN).minusMillis(1));
        assertEquals(List.of(), s.deleted());
        s.tickAt(Duration.ofMinutes(1).plus(COOLDOWN));
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void busyInstancesAreNeverSurplus() {
        PoolSpec spec = Pools.spec().min(0).max(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 1), Pools.busy("1", 2), Pools.busy("2", 3),
                idleFor("3", Duration.ofHours(1))).tick();
        assertEquals(List.of("3"), s.deleted(), "live 4 > max 2, but only the idle one may go");
        s.tickAt(Duration.ofHours(1));
        assertEquals(List.of(), s.deleted());
        assertEquals(3, s.state().busy());
    }

    @Test
    void aDeletedIdleInstanceLeavesWhenTheDeleteSucceeds() {
        Scenario s = fourIdle(3, 0).tick();
        assertEquals(List.of("1"), s.deleted());
        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of("0", "2", "3"), List.copyOf(s.state().instances().keySet()));
        s.tick();
        assertEquals(List.of(), s.deleted());
    }

    @Test
    void aJobTakingAnIdleInstanceSavesItFromTheCoolDown() {
        PoolSpec spec = Pools.spec().min(0).free(0).build();
        Scenario s = Scenario.with(spec, idleFor("0", Duration.ofMinutes(4))).started(1, Pools.name("0"));
        s.tickAt(Duration.ofMinutes(10));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertEquals(List.of(), s.deleted());
    }
}
