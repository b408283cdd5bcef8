package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Demand (busy + queued) drives the desired size, and the desired size drives capacity. */
class DemandTest {

    @ParameterizedTest(name = "min {0}, max {1}, free {2}%: {3} busy + {4} queued, {5} idle -> capacity {6}")
    @CsvSource({
        // the seed: min 1, max 4, 25 % free; 0 means no capacity change
        "1, 4, 25, 0, 0, 0, 1",
        "1, 4, 25, 0, 1, 0, 2",
        "1, 4, 25, 0, 2, 0, 3",
        "1, 4, 25, 0, 3, 0, 4",
        "1, 4, 25, 0, 4, 0, 4",
        "1, 4, 25, 0, 9, 0, 4",
        "1, 4, 25, 1, 0, 0, 2",
        "1, 4, 25, 2, 1, 0, 4",
        "1, 4, 25, 0, 1, 1, 2",
        "1, 4, 25, 1, 0, 1, 0",
        "1, 4, 25, 4, 2, 0, 0",
        "1, 4, 25, 0, 0, 1, 0",
        "1, 4, 25, 0, 0, 3, 0",
        // min 0: nothing without demand, and scale from zero on queued jobs alone
        "0, 4, 25, 0, 0, 0, 0",
        "0, 4, 25, 0, 1, 0, 2",
        "0, 10, 0, 0, 7, 0, 7",
        "0, 10, 0, 3, 2, 1, 5",
        // large percentages are still capped at max
        "0, 20, 1000, 0, 1, 0, 11",
        "0, 20, 1000, 0, 3, 0, 20",
        "0, 20, 2147483647, 0, 1, 0, 20",
        // min above one
        "2, 4, 25, 0, 0, 1, 2",
    })
    void capacityFollowsTheDesiredSize(int min, int max, int free, int busy, int queued, int idle, int capacity) {
        PoolSpec spec = Pools.spec().min(min).max(max).free(free).build();
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < busy + idle; i++) {
            instances.add(i < busy ? Pools.busy(String.valueOf(i), 100 + i) : Pools.idle(String.valueOf(i), T0));
        }
        List<Long> jobs = LongStream.rangeClosed(1, queued).boxed().toList();

        Scenario s = Scenario.withQueued(spec, jobs, instances.toArray(Instance[]::new)).tick();

        assertEquals(spec.desiredFor(busy + queued), s.state().desired());
        assertEquals(capacity == 0 ? Optional.empty() : Optional.of(capacity), s.capacity());
        assertTrue(s.deleted().isEmpty() && s.reimaged().isEmpty(), () -> "nothing recycled: " + s.commands());
    }

    /**
     * A runner's job-started hook usually comes before GitHub's in_progress: until then the busy
     * runner is running one of the queued jobs, and is not counted on top of it.
     */
    @ParameterizedTest(name = "{0} queued, {1} busy by hook only, {2} busy with a known job -> desired {3}")
    @CsvSource({
            "3, 0, 0, 3",
            "3, 1, 0, 3",
            "3, 3, 0, 3",
            "1, 2, 0, 2",
            "2, 1, 1, 3",
            "0, 2, 1, 3",
    })
    void aBusyRunnerWhoseJobIsNotKnownYetIsNotCountedTwice(int queued, int hookOnly, int known, int desired) {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).build();
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < hookOnly; i++) {
            instances.add(Pools.busy(Integer.toString(i), 0));
        }
        for (int i = 0; i < known; i++) {
            instances.add(Pools.busy(Integer.toString(100 + i), 900 + i));
        }
        Scenario s = Scenario.withQueued(spec, LongStream.rangeClosed(1, queued).boxed().toList(), instances.toArray(Instance[]::new));
        assertEquals(desired, s.state().desired());
    }

    @Test
    void theHookThenTheWebhookOfOneJobNeverGrowThePool() {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).build();
        Scenario s = Scenario.withQueued(spec, List.of(42L), Pools.idle("0", T0));
        s.runnerStarted(name("0"));
        assertEquals(Optional.empty(), s.capacity(), "the hook of the queued job's runner asked for more capacity");
        s.started(42, name("0"));
        assertEquals(Optional.empty(), s.capacity());
        assertEquals(1, s.state().desired());
    }

    @Test
    void scalesFromZeroOnAQueuedJobAndBackToZero() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).tick();
        assertEquals(Optional.empty(), s.capacity(), "no demand, no instance");

        s.queued(1);
        assertEquals(Optional.of(2), s.capacity(), "ceil(1 x 1.25) = 2");

        s.succeed(Operation.Kind.SET_CAPACITY).listed("0", "1").configRequested(name("0")).started(1, name("0"));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertTrue(s.state().queued().isEmpty());
        assertEquals(2, s.state().desired(), "one busy runner still wants one free");

        s.at(Duration.ofMinutes(1)).configRequested(name("1")).completed(1, name("0"));
        assertEquals(List.of("0"), s.deleted(), "no demand left: the used instance goes");

        s.succeed(Operation.Kind.DELETE).tickAt(Duration.ofMinutes(6).minusMillis(1));
        assertTrue(s.drained().isEmpty(), "the idle one waits for its cool-down");
        s.tickAt(Duration.ofMinutes(6));
        assertEquals(List.of("1"), s.drained());
        assertTrue(s.deleted().isEmpty(), "first removed at GitHub");
        s.removed(name("1"));
        assertEquals(List.of("1"), s.deleted());
        s.succeed(Operation.Kind.DELETE);
        assertTrue(s.state().instances().isEmpty());
    }

    @Test
    void aStartedJobMovesFromQueuedToBusyWithoutChangingDemand() {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.idle("1", T0)).queued(7);
        assertEquals(2, s.state().desired());
        s.started(7, name("0"));
        assertTrue(s.state().queued().isEmpty());
        assertEquals(1, s.state().busy());
        assertEquals(2, s.state().desired());
    }

    @ParameterizedTest(name = "queued at T0, tick at T0 + {0}s: still counted {1}")
    @CsvSource({
        "0, true",
        "1800, true",
        "3599, true",
        "3600, true",   // exactly the max age: not older than it yet
        "3601, false",
        "86400, false",
    })
    void queuedJobsThatNeverStartAgeOut(long seconds, boolean counted) {
        PoolSpec spec = Pools.spec().min(0).free(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0.minus(Duration.ofHours(2)))).queued(1);
        assertEquals(1, s.state().desired());

        s.tickAt(Duration.ofSeconds(seconds));

        assertEquals(counted, s.state().queued().containsKey(1L));
        assertEquals(counted ? 1 : 0, s.state().desired());
        assertEquals(counted ? List.of() : List.of("0"), s.drained(), "the idle instance kept only for the job");
        assertEquals(List.of(), s.deleted());
        if (!counted) {
            s.removed(name("0"));
            assertEquals(List.of("0"), s.deleted());
        }
    }

    @Test
    void aRepeatedQueuedDeliveryDoesNotRestartTheAge() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).queued(1);
        s.at(Duration.ofMinutes(50)).queued(1);
        assertEquals(T0, s.state().queued().get(1L).since());
        s.tickAt(Pools.QUEUED_MAX_AGE.plusSeconds(1));
        assertFalse(s.state().queued().containsKey(1L));
    }
}
