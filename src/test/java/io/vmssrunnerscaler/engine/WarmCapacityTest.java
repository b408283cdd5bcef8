package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Warm capacity: idle runners kept on top of the demand ({@code min-idle}, or the adaptive target),
 * and sizing that follows the clock (schedule periods). {@link Pools#T0} is a Monday, 09:00 UTC.
 */
class WarmCapacityTest {
    private static final EnumSet<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    /** Weekdays 08:00-18:00 UTC with this min and min-idle. */
    private static SchedulePeriod office(int min, int minIdle) {
        return new SchedulePeriod("office", WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(18, 0), ZoneOffset.UTC,
                OptionalInt.of(min), OptionalInt.of(minIdle), OptionalInt.empty(), OptionalInt.empty());
    }

    @ParameterizedTest(name = "demand {0}, free {1} %, min-idle {2}, min {3}, max {4}: desired {5}")
    @CsvSource({
        "0,  25, 2, 0, 10, 2",  // nothing to do: two idle runners ready
        "0,  25, 2, 3, 10, 3",  // min is a floor on all instances, min-idle on idle ones
        "8,  25, 3, 0, 20, 11", // 25 % of 8 is 2, min-idle 3: the larger wins, 8 + 3, not 8 + 2 + 3
        "20, 25, 3, 0, 40, 25", // 25 % of 20 is 5: the free percentage wins
        "8,  25, 3, 0, 10, 10", // never above max
        "0,  25, 0, 1, 10, 1",  // without min-idle: the seed's rule
    })
    void minIdleIsKeptOnTopOfTheDemandAndTheLargerOfItAndTheFreePercentageWins(int demand, int free, int minIdle,
            int min, int max, int desired) {
        PoolSpec spec = Pools.spec().min(min).max(max).free(free).minIdle(minIdle).build();
        Scenario s = Scenario.withQueued(spec, LongStream.rangeClosed(1, demand).boxed().toList()).tick();
        assertEquals(desired, s.state().desired());
        assertEquals(desired == 0 ? Optional.empty() : Optional.of(desired), s.capacity(), "asked Azure for it");
    }

    @Test
    void aSchedulePeriodSizesThePoolWhileInForceAndShowsWhichOne() {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).schedule(office(3, 2)).build();
        Scenario s = Scenario.with(spec).tickAt(Duration.ZERO); // Monday 09:00
        assertEquals(new Sizing(3, 2, 10, 0, "office"), s.state().sizing());
        assertEquals(Optional.of(3), s.capacity());

        Scenario evening = Scenario.with(spec).tickAt(Duration.ofHours(9)); // Monday 18:00
        assertEquals(new Sizing(0, 0, 10, 0, ""), evening.state().sizing(), "outside the period: the pool's own");
        assertEquals(Optional.empty(), evening.capacity());
    }

    @Test
    void aPeriodInANamedZoneStartsAnHourEarlierInUtcOnceClocksGoForward() {
        SchedulePeriod berlinOffice = new SchedulePeriod("office", WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(18, 0),
                java.time.ZoneId.of("Europe/Berlin"), OptionalInt.of(2), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty());
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).schedule(berlinOffice).build();
        Scenario s = Scenario.with(spec);
        // Friday 2025-03-28, CET: 08:00 is 07:00 UTC
        s.tickAt(Duration.between(T0, java.time.Instant.parse("2025-03-28T06:59:00Z")));
        assertEquals(0, s.state().desired());
        s.tickAt(Duration.between(T0, java.time.Instant.parse("2025-03-28T07:00:00Z")));
        assertEquals(2, s.state().desired());
        s.tickAt(Duration.between(T0, java.time.Instant.parse("2025-03-28T17:00:00Z")));
        assertEquals(0, s.state().desired(), "18:00 CET");
        // Monday 2025-03-31, CEST since Sunday: 08:00 is 06:00 UTC
        s.tickAt(Duration.between(T0, java.time.Instant.parse("2025-03-31T05:59:00Z")));
        assertEquals(0, s.state().desired());
        s.tickAt(Duration.between(T0, java.time.Instant.parse("2025-03-31T06:00:00Z")));
        assertEquals(2, s.state().desired());
        assertEquals("office", s.state().sizing().period());
    }

    @Test
    void theFirstPeriodInForceWins() {
        SchedulePeriod allWeek = new SchedulePeriod("all-week", EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT,
                LocalTime.MIDNIGHT, ZoneOffset.UTC, OptionalInt.of(1), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty());
        PoolSpec officeFirst = Pools.spec().min(0).max(10).schedule(office(3, 0), allWeek).build();
        PoolSpec allWeekFirst = Pools.spec().min(0).max(10).schedule(allWeek, office(3, 0)).build();
        assertEquals("office", officeFirst.sizingAt(T0).period());
        assertEquals("all-week", allWeekFirst.sizingAt(T0).period());
        assertEquals("all-week", officeFirst.sizingAt(T0.plus(Duration.ofHours(10))).period(), "office is over at 18:00");
    }

    @Test
    void aPeriodThatEndsWhileRunnersAreBusyTouchesNoneAndDrainsSurplusIdleRunnersAfterTheCoolDown() {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).schedule(office(4, 0)).build();
        Duration endOfDay = Duration.ofHours(9); // 18:00
        Scenario s = Scenario.with(spec, Pools.busy("0", 100), Pools.busy("1", 101),
                Pools.idle("2", T0.plus(endOfDay).minusSeconds(120)), Pools.idle("3", T0.plus(endOfDay).minusSeconds(60)));
        s.tickAt(endOfDay.minusSeconds(1));
        assertEquals(4, s.state().desired(), "the office period keeps four");
        assertEquals(List.of(), s.drained());

        s.tickAt(endOfDay);
        assertEquals(2, s.state().desired(), "the period is over: the two busy runners only");
        assertEquals(List.of(), s.drained(), "idle runners go after the cool-down, not at the period's end");
        assertEquals(List.of(), s.deleted());

        s.tickAt(endOfDay.plus(Pools.COOLDOWN).minusSeconds(120)); // instance 2's cool-down is over
        assertEquals(List.of("2"), s.drained());
        s.tickAt(endOfDay.plus(Pools.COOLDOWN).minusSeconds(60));
        assertEquals(List.of("3"), s.drained());
        assertEquals(Phase.BUSY, s.phase("0"), "nothing busy is touched");
        assertEquals(Phase.BUSY, s.phase("1"));
    }

    @Test
    void aPeriodsMaxBelowTheInstancesLeavesBusyRunnersAndAsksForNothingMore() {
        SchedulePeriod night = new SchedulePeriod("night", WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(10, 0),
                ZoneOffset.UTC, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(1), OptionalInt.empty());
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).schedule(night).build();
        Scenario s = Scenario.withQueued(spec, List.of(7L), Pools.busy("0", 100), Pools.busy("1", 101)).tick();
        assertEquals(1, s.state().desired());
        assertEquals(Optional.empty(), s.capacity(), "no growth above the period's max, even for a queued job");
        assertEquals(List.of(), s.drained());
        assertEquals(List.of(), s.deleted());
    }

    /** Adaptive idle over 10 minutes with a 2-minute boot at 0.95; min 0, free 0. */
    private static Scenario adaptive(int minIdle, int max) {
        return Scenario.empty(Pools.spec().min(0).max(max).free(0).minIdle(minIdle)
                .adaptiveIdle(new AdaptiveIdle(true, Duration.ofMinutes(10), Duration.ofMinutes(2), 0.95)).build());
    }

    /** 50 jobs over 10 minutes, each taken elsewhere at once: arrivals without demand. */
    private static void fiveAMinute(Scenario s) {
        for (long job = 1; job <= 50; job++) {
            s.at(Duration.ofSeconds(12 * (job - 1)));
            s.on(new PoolEvent.JobQueued(job)).on(new PoolEvent.JobQueued(job)); // a duplicate counts once
            s.on(new PoolEvent.JobHandedOff(job));
        }
    }

    @Test
    void theAdaptiveTargetFollowsTheArrivalsOfTheWindowAndShowsItsInputs() {
        Scenario s = adaptive(0, 40);
        fiveAMinute(s);
        s.tickAt(Duration.ofMinutes(9).plusSeconds(59));
        IdleTarget target = s.state().idleTarget();
        assertEquals(15, target.value(), "Poisson(5 a minute x 2 minutes) at 0.95");
        IdleTarget.Adaptive inputs = target.adaptive().orElseThrow();
        assertEquals(50, inputs.arrivals());
        assertEquals(10.0, inputs.expectedWithinBoot(), 1e-9);
        assertEquals(15, s.state().desired(), "no demand: the idle runners alone");

        s.tickAt(Duration.ofMinutes(21)); // every arrival is older than the window
        assertEquals(0, s.state().idleTarget().value());
        assertEquals(0, s.state().desired());
        assertTrue(s.state().arrivals().isEmpty(), "arrivals past the window are forgotten");
    }

    @Test
    void theAdaptiveTargetIsBoundedByMinIdleAndMax() {
        Scenario capped = adaptive(0, 8);
        fiveAMinute(capped);
        capped.tick();
        assertEquals(8, capped.state().idleTarget().value());
        assertEquals(15, capped.state().idleTarget().adaptive().orElseThrow().target(), "the unbounded target is shown");

        Scenario floored = adaptive(3, 40).tick();
        assertEquals(3, floored.state().idleTarget().value(), "no arrivals: min-idle");
        assertEquals(0, floored.state().idleTarget().adaptive().orElseThrow().target());
    }

    @Test
    void withoutAdaptiveIdleNoArrivalsAreKept() {
        Scenario s = Scenario.empty(Pools.spec().min(0).max(10).minIdle(1).build()).queued(1, 2, 3).tick();
        assertTrue(s.state().arrivals().isEmpty());
        assertEquals(Optional.empty(), s.state().idleTarget().adaptive());
    }
}
