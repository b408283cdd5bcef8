package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.GRACE;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.PoolCommand.ClearBusy;
import io.vmssrunnerscaler.engine.PoolCommand.MarkBusy;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The busy store is told when an instance enters the busy phases, and when it has been recycled
 * after its job (not before: a restart in between must still know the VM is used).
 */
class BusyMarkerTest {

    private static Scenario idle() {
        return Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.idle("1", T0));
    }

    @Test
    void inProgressMarksTheRunnerBusyWithItsJob() {
        Scenario s = idle().at(Duration.ofSeconds(7)).started(9, name("0"));
        assertEquals(List.of(new MarkBusy(name("0"), "0", 9, T0.plusSeconds(7))), s.commands(MarkBusy.class));
        assertEquals(List.of(), s.commands(ClearBusy.class));
    }

    @Test
    void theHookMarksFirstAndInProgressAddsTheJobOnce() {
        Scenario s = idle().runnerStarted(name("0"));
        assertEquals(List.of(new MarkBusy(name("0"), "0", 0, T0)), s.commands(MarkBusy.class));

        s.at(Duration.ofSeconds(2)).started(9, name("0"));
        assertEquals(List.of(new MarkBusy(name("0"), "0", 9, T0.plusSeconds(2))), s.commands(MarkBusy.class),
                "an upsert that adds the job id");

        s.started(9, name("0")).runnerStarted(name("0"));
        assertEquals(List.of(), s.commands(MarkBusy.class));
    }

    @Test
    void theCompletedHookKeepsTheMarker() {
        Scenario s = idle().started(9, name("0")).finishing(name("0"));
        assertEquals(List.of(), s.commands(ClearBusy.class));
        assertEquals(List.of(), s.commands(MarkBusy.class));
    }

    static Stream<Arguments> endings() {
        return Stream.<Arguments>of(
                Arguments.of("completed", (Consumer<Scenario>) s -> s.completed(9, name("0"))),
                Arguments.of("offline", (Consumer<Scenario>) s -> s.offline(name("0"))),
                Arguments.of("completed after the hook",
                        (Consumer<Scenario>) s -> s.finishing(name("0")).completed(9, name("0"))),
                Arguments.of("grace after the hook",
                        (Consumer<Scenario>) s -> s.finishing(name("0")).after(GRACE).tick()),
                Arguments.of("gone from the listing",
                        (Consumer<Scenario>) s -> s.refresh().listed("1")));
    }

    @ParameterizedTest(name = "{0}: the marker is cleared once, when the instance is recycled")
    @MethodSource("endings")
    void theMarkerOutlivesTheJobUntilTheInstanceIsRecycled(String label, Consumer<Scenario> end) {
        Scenario s = idle().started(9, name("0")).at(Duration.ofMinutes(1));

        end.accept(s);
        if (s.state().instances().containsKey("0")) {
            assertEquals(List.of(), s.commands(ClearBusy.class),
                    "until the recycle succeeds, a restart must still know that this VM ran a job");
            assertTrue(s.instance("0").marked());
            Phase recycling = s.phase("0");
            s.succeed(recycling == Phase.REIMAGING ? Operation.Kind.REIMAGE : Operation.Kind.DELETE);
        }
        assertEquals(List.of(new ClearBusy(name("0"))), s.commands(ClearBusy.class));

        s.completed(9, name("0")).offline(name("0")).after(GRACE).tick();
        assertEquals(List.of(), s.commands(ClearBusy.class));
    }

    @Test
    void aRecycleThatFailsKeepsTheMarkerUntilTheFailedInstanceIsDeleted() {
        Scenario s = idle().started(9, name("0")).at(Duration.ofMinutes(1)).completed(9, name("0"));
        assertEquals(Phase.DELETING, s.phase("0"), "a surplus instance");

        s.fail(Operation.Kind.DELETE);
        assertEquals(Phase.FAILED, s.phase("0"));
        assertEquals(List.of(), s.commands(ClearBusy.class));
        s.after(Duration.ofMinutes(10)).tick();
        assertEquals(Phase.DELETING, s.phase("0"), "a failed instance is deleted");
        assertTrue(s.instance("0").marked());

        s.succeed(Operation.Kind.DELETE);
        assertEquals(List.of(new ClearBusy(name("0"))), s.commands(ClearBusy.class));
    }

    @Test
    void aJobEndingOnAnUnmarkedInstanceClearsNothing() {
        Scenario s = idle().completed(9, name("0"));
        assertEquals(Phase.DELETING, s.phase("0"), "ran a job we never heard start");
        assertEquals(List.of(), s.commands(ClearBusy.class));
    }
}
