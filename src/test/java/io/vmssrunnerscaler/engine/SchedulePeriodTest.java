package io.vmssrunnerscaler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** When a schedule period is in force: days, overnight periods, midnight and DST, in the zone's wall-clock time. */
class SchedulePeriodTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    static SchedulePeriod period(String id, Set<DayOfWeek> days, String start, String end, ZoneId zone) {
        return new SchedulePeriod(id, days, LocalTime.parse(start), LocalTime.parse(end), zone, OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    @ParameterizedTest(name = "office hours at {0} Berlin: {1}")
    @CsvSource({
        "2026-11-02T07:59:59, false", // Monday, before
        "2026-11-02T08:00:00, true",
        "2026-11-02T17:59:59, true",
        "2026-11-02T18:00:00, false", // the end is not in the period
        "2026-11-06T12:00:00, true",  // Friday
        "2026-11-07T12:00:00, false", // Saturday
    })
    void officeHoursFollowTheZonesWallClock(String local, boolean active) {
        SchedulePeriod office = period("office", WEEKDAYS, "08:00", "18:00", BERLIN);
        assertEquals(active, office.activeAt(berlin(local)));
    }

    @ParameterizedTest(name = "22:00-06:00 on weekdays at {0}: {1}")
    @CsvSource({
        "2026-11-06T21:59:59, false", // Friday evening, before
        "2026-11-06T22:00:00, true",  // Friday night
        "2026-11-07T05:59:59, true",  // Saturday morning: Friday's night goes on
        "2026-11-07T06:00:00, false",
        "2026-11-07T23:00:00, false", // Saturday night is not a weekday's
        "2026-11-09T02:00:00, false", // Monday morning belongs to Sunday night
        "2026-11-10T02:00:00, true",  // Tuesday morning: Monday's night
    })
    void anOvernightPeriodBelongsToTheDayItStartsOn(String local, boolean active) {
        SchedulePeriod night = period("night", WEEKDAYS, "22:00", "06:00", BERLIN);
        assertEquals(active, night.activeAt(berlin(local)));
    }

    @Test
    void anEndOfMidnightIsTheEndOfTheDayAndMidnightToMidnightIsTheWholeDay() {
        SchedulePeriod evening = period("evening", EnumSet.of(DayOfWeek.SATURDAY), "18:00", "00:00", BERLIN);
        assertTrue(evening.activeAt(berlin("2026-11-07T23:59:59")));
        assertFalse(evening.activeAt(berlin("2026-11-08T00:00:00")), "Sunday is not in it");
        SchedulePeriod allDay = period("all", EnumSet.of(DayOfWeek.SUNDAY), "00:00", "00:00", BERLIN);
        assertTrue(allDay.activeAt(berlin("2026-11-08T00:00:00")));
        assertTrue(allDay.activeAt(berlin("2026-11-08T23:59:59")));
        assertFalse(allDay.activeAt(berlin("2026-11-09T00:00:00")));
    }

    @Test
    void onTheNightClocksGoForwardTheSkippedHourIsInNoPeriod() {
        // 2026-03-29, Berlin: 02:00 CET becomes 03:00 CEST
        SchedulePeriod early = period("early", EnumSet.allOf(DayOfWeek.class), "01:00", "02:30", BERLIN);
        SchedulePeriod skipped = period("skipped", EnumSet.allOf(DayOfWeek.class), "02:00", "03:00", BERLIN);
        Instant lastCet = Instant.parse("2026-03-29T00:59:59Z"); // 01:59:59 CET
        Instant firstCest = Instant.parse("2026-03-29T01:00:00Z"); // 03:00:00 CEST
        assertTrue(early.activeAt(lastCet));
        assertFalse(early.activeAt(firstCest), "02:30 was skipped: the period ends with the jump");
        assertFalse(skipped.activeAt(lastCet));
        assertFalse(skipped.activeAt(firstCest));
    }

    @Test
    void onTheNightClocksGoBackTheRepeatedHourIsInThePeriodTwice() {
        // 2026-10-25, Berlin: 03:00 CEST becomes 02:00 CET
        SchedulePeriod repeated = period("repeated", EnumSet.allOf(DayOfWeek.class), "02:00", "02:30", BERLIN);
        assertTrue(repeated.activeAt(Instant.parse("2026-10-25T00:10:00Z")), "02:10 CEST");
        assertFalse(repeated.activeAt(Instant.parse("2026-10-25T00:45:00Z")), "02:45 CEST");
        assertTrue(repeated.activeAt(Instant.parse("2026-10-25T01:10:00Z")), "02:10 CET, the second time");
        assertFalse(repeated.activeAt(Instant.parse("2026-10-25T01:45:00Z")), "02:45 CET");
    }

    @Test
    void aPeriodChangesOnlyWhatItSetsAndItsMaxLowersTheMinWithIt() {
        Sizing own = new Sizing(4, 1, 20, 25, "");
        SchedulePeriod night = new SchedulePeriod("night", WEEKDAYS, LocalTime.of(20, 0), LocalTime.of(6, 0), BERLIN,
                OptionalInt.empty(), OptionalInt.of(0), OptionalInt.of(2), OptionalInt.empty());
        assertEquals(new Sizing(2, 0, 2, 25, "night"), night.applyTo(own));
    }

    @Test
    void aPeriodThatStartsWhereItEndsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> period("x", WEEKDAYS, "08:00", "08:00", BERLIN));
    }
}
