package io.vmssrunnerscaler.engine;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A period of a pool's week with its own sizing, in the wall-clock time of a named zone: on
 * {@code days}, from {@code start} to {@code end}. An end at or before the start runs past midnight
 * (22:00-06:00 starting Friday ends Saturday 06:00); an end of 00:00 is midnight at the end of the
 * day. Wall-clock time decides: on the night clocks go back, the repeated hour is in a period twice;
 * on the night they go forward, the skipped hour is in none.
 *
 * @param id the period's name in the configuration; periods are tried in the order of their ids
 * @param days the days a period starts on
 * @param min the pool's min while the period is in force; empty to keep the pool's own
 * @param minIdle the same for min-idle
 * @param max the same for max
 * @param freePercent the same for free-percent
 */
public record SchedulePeriod(String id, Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone,
        OptionalInt min, OptionalInt minIdle, OptionalInt max, OptionalInt freePercent) {

    public SchedulePeriod {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(zone, "zone");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("period " + id + " has no days");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
        if (start.equals(end) && !end.equals(LocalTime.MIDNIGHT)) {
            throw new IllegalArgumentException("period " + id + " starts and ends at " + start);
        }
    }

    /** Whether the period is in force at {@code now}. */
    public boolean activeAt(Instant now) {
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        LocalTime time = local.toLocalTime();
        DayOfWeek day = local.getDayOfWeek();
        if (end.equals(LocalTime.MIDNIGHT)) {
            return days.contains(day) && !time.isBefore(start);
        }
        if (start.isBefore(end)) {
            return days.contains(day) && !time.isBefore(start) && time.isBefore(end);
        }
        // past midnight: the evening of a listed day, or the morning after one
        return days.contains(day) && !time.isBefore(start) || days.contains(day.minus(1)) && time.isBefore(end);
    }

    /** The pool's sizing while this period is in force: what it sets, the rest as before. */
    public Sizing applyTo(Sizing own) {
        int newMax = max.orElse(own.max());
        // a max below the minimum in force lowers the minimum with it
        int newMin = Math.min(min.orElse(own.min()), newMax);
        return new Sizing(newMin, minIdle.orElse(own.minIdle()), newMax, freePercent.orElse(own.freePercent()), id);
    }
}
