package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Growth: one capacity change at a time, settled by a listing, never racing a delete, bounded. */
class CapacityTest {
    private static final PoolSpec EXACT = Pools.spec().min(0).max(10).free(0).build();
    private static final Instant LONG_AGO = T0.minus(Duration.ofHours(1));

    @Test
    void nothingChangesCapacityBeforeTheFirstListing() {
        // The real size is unknown: a PATCH computed from nothing could be below it and let Azure
        // pick instances to remove, busy ones among them.
        Scenario s = Scenario.empty(EXACT).queued(1, 2, 3).tick();
        assertEquals(Optional.empty(), s.capacity());
        s.refresh();
        long list = s.state().operations().get(0).id();
        s.observed(list, Pools.ok("0"), Pools.ok("1"), Pools.ok("2"), Pools.ok("3"));
        assertEquals(Optional.empty(), s.capacity(), "four listed instances already cover three queued jobs");
        assertEquals(4, s.state().instances().size());
    }

    /**
     * The shell holds a capacity change until the scale set's budget has a token and sends only the
     * latest: an unanswered change is replaced by a larger one, so that demand which grows while it
     * waits rides on the same call. There is still one change in flight, never a smaller one.
     */
    @Test
    void anUnansweredCapacityChangeIsRaisedNotDoubled() {
        Scenario s = Scenario.with(EXACT).queued(1);
        assertEquals(Optional.of(1), s.capacity());
        long first = s.op(Operation.Kind.SET_CAPACITY).id();

        s.queued(2);
        assertEquals(Optional.of(2), s.capacity(), "raised to the latest wanted size");
        s.queued(3);
        assertEquals(Optional.of(3), s.capacity());
        assertEquals(1, s.inFlight(Operation.Kind.SET_CAPACITY).size());
        assertNotEquals(first, s.op(Operation.Kind.SET_CAPACITY).id(), "a new operation replaces the old one");

        s.completed(3, null);
        assertEquals(Optional.empty(), s.capacity(), "less demand never lowers a change in flight");
        assertEquals(3, s.op(Operation.Kind.SET_CAPACITY).capacity());
    }

    @Test
    void growthWaitsForTheListingAfterACapacityChange() {
        Scenario s = Scenario.with(EXACT).queued(1).succeed(Operation.Kind.SET_CAPACITY);
        assertTrue(s.listRequested(), "learn the new instances");
        long awaited = s.op(Operation.Kind.LIST).id();
        assertEquals(awaited, s.state().growthSettlesWith());

        s.queued(2, 3, 4);
        assertEquals(Optional.empty(), s.capacity(), "the new instance is not known yet");

        s.listed("0");
        assertEquals(0, s.state().growthSettlesWith());
        assertEquals(Optional.of(4), s.capacity(), "one known instance + three missing");
    }

    /**
     * A listing already in flight when the capacity change succeeds may have been taken before
     * the change: it must not settle growth, or the next absolute capacity would be computed from
     * a count that misses the new instances (and could shrink the scale set under busy runners).
     */
    @Test
    void aListingTakenBeforeTheCapacityChangeDoesNotSettleIt() {
        List<Long> jobs = LongStream.rangeClosed(1, 5).boxed().toList();
        Scenario s = Scenario.withQueued(EXACT, jobs, Pools.idle("0", T0)).refresh();
        long early = s.op(Operation.Kind.LIST).id();
        long change = s.op(Operation.Kind.SET_CAPACITY).id();
        assertEquals(Optional.of(5), s.capacity());

        s.succeed(Operation.Kind.SET_CAPACITY);
        List<Long> asked = s.commands(PoolCommand.ListInstances.class).stream()
                .map(c -> c.operation().id()).toList();
        assertEquals(1, asked.size(), "a listing asked for after the change: " + s.commands());
        assertTrue(asked.get(0) > change);

        s.observed(early, Pools.ok("0"));
        assertEquals(Optional.empty(), s.capacity());
        assertNotEquals(0, s.state().growthSettlesWith(), "still waiting for a listing that shows the change");
        s.completed(4, null).completed(5, null);
        assertEquals(Optional.empty(), s.capacity(), "no capacity from a count that misses four instances");

        s.listed("0", "1", "2", "3", "4");
        assertEquals(0, s.state().growthSettlesWith());
        assertEquals(Optional.empty(), s.capacity(), "five live for a demand of three");
        s.queued(6, 7, 8);
        assertEquals(Optional.of(6), s.capacity());
    }

    @Test
    void noGrowthWhileADeleteIsInFlight() {
        Scenario s = Scenario.with(EXACT, Pools.idle("0", LONG_AGO), Pools.idle("1", LONG_AGO)).tick();
        assertEquals(List.of("0", "1"), s.drained());
        s.drainedRemoved();
        List<Operation> deletes = s.inFlight(Operation.Kind.DELETE);
        assertEquals(List.of(List.of("0"), List.of("1")), deletes.stream().map(Operation::instanceIds).toList(),
                "each deleted as soon as its runner is removed");

        s.queued(1);
        assertEquals(Optional.empty(), s.capacity());
        s.queued(2);
        assertEquals(Optional.empty(), s.capacity());

        s.on(new PoolEvent.OperationSucceeded(deletes.get(0).id()));
        assertEquals(Optional.empty(), s.capacity(), "the other delete is still in flight");
        s.on(new PoolEvent.OperationSucceeded(deletes.get(1).id()));
        assertTrue(s.state().instances().isEmpty());
        assertEquals(Optional.of(2), s.capacity());
    }

    @ParameterizedTest(name = "max {0}, {1} instances, {2} queued -> capacity {3}")
    @CsvSource({
        "4, 0, 10, 4",
        "4, 3, 10, 4",
        "4, 4, 10, 0",
        "4, 6, 10, 0",   // more instances than max (max lowered): never shrink by capacity
        "10, 2, 5, 5",
        "10, 2, 1, 0",
        "10, 2, 2, 0",
        "1, 0, 3, 1",
    })
    void theTargetStaysWithinTheInstanceCountAndMax(int max, int instances, int queued, int capacity) {
        PoolSpec spec = Pools.spec().min(0).max(max).free(0).build();
        List<Instance> idle = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            idle.add(Pools.idle(String.valueOf(i), T0));
        }
        Scenario s = Scenario.withQueued(spec, LongStream.rangeClosed(1, queued).boxed().toList(),
                idle.toArray(Instance[]::new)).tick();

        assertEquals(capacity == 0 ? Optional.empty() : Optional.of(capacity), s.capacity());
        s.capacity().ifPresent(c -> {
            assertTrue(c <= max);
            assertTrue(c > instances);
        });
    }

    @Test
    void aFailedCapacityChangeBacksOffAndRelistsBeforeGrowingAgain() {
        Scenario s = Scenario.with(Pools.spec().min(0).build()).queued(1);
        assertEquals(Optional.of(2), s.capacity());

        s.at(Duration.ofSeconds(10)).fail(Operation.Kind.SET_CAPACITY);
        assertEquals(T0.plusSeconds(15), s.state().backoffUntil());
        assertTrue(s.listRequested(), "the PATCH may have partly happened");
        assertEquals(Operation.Kind.SET_CAPACITY, s.state().lastFailure().orElseThrow().kind());

        s.at(Duration.ofSeconds(11)).listed();
        assertEquals(0, s.state().growthSettlesWith());
        assertEquals(Optional.empty(), s.capacity(), "backing off");
        s.tickAt(Duration.ofSeconds(15).minusMillis(1));
        assertEquals(Optional.empty(), s.capacity());
        s.tickAt(Duration.ofSeconds(15));
        assertEquals(Optional.of(2), s.capacity());
    }

    @ParameterizedTest(name = "{0} failures in a row -> back off {1}s")
    @CsvSource({
        "1, 5",
        "2, 10",
        "3, 20",
        "4, 40",
        "5, 80",
        "6, 160",
        "7, 300",
        "8, 300",
        "20, 300",
    })
    void backOffDoublesUpToFiveMinutes(int failures, long seconds) {
        Scenario s = Scenario.with(EXACT);
        for (int i = 0; i < failures; i++) {
            s.after(Duration.ofSeconds(1)).refresh().fail(Operation.Kind.LIST);
        }
        assertEquals(failures, s.state().consecutiveFailures());
        assertEquals(s.now().plusSeconds(seconds), s.state().backoffUntil());
    }

    @Test
    void aSuccessResetsTheBackOff() {
        Scenario s = Scenario.with(EXACT);
        for (int i = 0; i < 3; i++) {
            s.refresh().fail(Operation.Kind.LIST);
        }
        s.refresh().succeed(Operation.Kind.LIST);
        assertEquals(0, s.state().consecutiveFailures());
        s.refresh().fail(Operation.Kind.LIST);
        assertEquals(s.now().plusSeconds(5), s.state().backoffUntil());
    }

    /** Draining only asks GitHub; the delete after it is a scale-set call and waits for the back-off. */
    @Test
    void backOffHoldsTheDeleteButNotTheDrain() {
        Scenario s = Scenario.with(EXACT, Pools.idle("0", T0.minus(Pools.COOLDOWN).plusSeconds(3))).refresh();
        s.at(Duration.ofSeconds(1)).fail(Operation.Kind.LIST);
        s.tickAt(Duration.ofSeconds(3));
        assertEquals(List.of("0"), s.drained(), "cooled down: drained even while backing off");

        s.removed(name("0"));
        assertEquals(Phase.FINISHED, s.phase("0"));
        assertEquals(List.of(), s.deleted(), "removed at GitHub, but backing off");
        s.tickAt(Duration.ofSeconds(6).minusMillis(1));
        assertEquals(List.of(), s.deleted());
        s.tickAt(Duration.ofSeconds(6));
        assertEquals(List.of("0"), s.deleted());
    }

    @Test
    void aLostListingAfterGrowthIsAskedForAgainAfterTheBackOff() {
        Scenario s = Scenario.with(EXACT).queued(1).succeed(Operation.Kind.SET_CAPACITY);
        s.at(Duration.ofSeconds(1)).fail(Operation.Kind.LIST);
        assertTrue(s.state().growthSettlesWith() != 0);

        s.tickAt(Duration.ofSeconds(5));
        assertFalse(s.listRequested());
        s.tickAt(Duration.ofSeconds(6));
        assertTrue(s.listRequested());
        assertEquals(s.op(Operation.Kind.LIST).id(), s.state().growthSettlesWith());

        s.listed("0");
        assertEquals(0, s.state().growthSettlesWith());
        assertEquals(Phase.PROVISIONING, s.phase("0"));
    }
}
