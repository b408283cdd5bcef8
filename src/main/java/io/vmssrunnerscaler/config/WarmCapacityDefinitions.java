package io.vmssrunnerscaler.config;

import io.vmssrunnerscaler.engine.AdaptiveIdle;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A pool's warm capacity from configuration: {@code min-idle}, {@code schedules.<id>.*} and
 * {@code adaptive-idle.*}, checked with every invalid key named, then laid onto the engine's spec.
 */
final class WarmCapacityDefinitions {
    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private WarmCapacityDefinitions() {}

    static void check(String prefix, PoolConfig pool, List<String> problems) {
        int max = pool.max().orElse(Integer.MAX_VALUE); // a missing max is reported on its own
        if (pool.minIdle() < 0 || pool.minIdle() > max) {
            problems.add(PoolDefinitions.problem(prefix + "min-idle",
                    "must be between 0 and max (" + max + "), got " + pool.minIdle()));
        }
        PoolConfig.AdaptiveIdle adaptive = pool.adaptiveIdle();
        if (adaptive.window().toMinutes() < 1) {
            problems.add(PoolDefinitions.problem(prefix + "adaptive-idle.window", "must be at least 1m, got " + adaptive.window()));
        }
        if (adaptive.bootTime().isNegative()) {
            problems.add(PoolDefinitions.problem(prefix + "adaptive-idle.boot-time", "must not be negative"));
        }
        if (!(adaptive.quantile() > 0 && adaptive.quantile() < 1)) {
            problems.add(PoolDefinitions.problem(prefix + "adaptive-idle.quantile",
                    "must be above 0 and below 1, got " + adaptive.quantile()));
        }
        for (var e : new TreeMap<>(pool.schedules()).entrySet()) {
            period(prefix + "schedules." + e.getKey() + ".", e.getKey(), e.getValue(), pool, problems);
        }
    }

    /**
     * The spec with the pool's warm capacity. The min-idle floor, the adaptive target and the
     * periods' min and min-idle apply to the first serving scale set of a pool, as its min does;
     * the periods' max and free-percent to each, a scale set's own max capping the period's.
     */
    static PoolSpec apply(PoolSpec spec, PoolConfig pool, OptionalInt ownMax, boolean firstServing) {
        List<String> problems = new ArrayList<>(); // none: check() passed
        List<SchedulePeriod> schedule = new ArrayList<>();
        for (var e : new TreeMap<>(pool.schedules()).entrySet()) {
            SchedulePeriod p = period("", e.getKey(), e.getValue(), pool, problems);
            OptionalInt max = p.max().isPresent() && ownMax.isPresent()
                    ? OptionalInt.of(Math.min(p.max().getAsInt(), ownMax.getAsInt())) : p.max();
            schedule.add(new SchedulePeriod(p.id(), p.days(), p.start(), p.end(), p.zone(),
                    firstServing ? p.min() : OptionalInt.empty(), firstServing ? p.minIdle() : OptionalInt.empty(),
                    max, p.freePercent()));
        }
        PoolConfig.AdaptiveIdle a = pool.adaptiveIdle();
        AdaptiveIdle adaptive = firstServing && a.enabled()
                ? new AdaptiveIdle(true, a.window(), a.bootTime(), a.quantile()) : AdaptiveIdle.OFF;
        return spec.withWarmCapacity(firstServing ? Math.min(pool.minIdle(), spec.max()) : 0, schedule, adaptive);
    }

    /** One period; null, with each problem named under {@code key}, when it has any. */
    private static SchedulePeriod period(String key, String id, PoolConfig.SchedulePeriod c, PoolConfig pool,
            List<String> problems) {
        int before = problems.size();
        Optional<String> daysText = required(c.days(), key + "days", "such as mon-fri, sat,sun or daily", problems);
        Optional<String> startText = required(c.start(), key + "start", "a local time HH:MM", problems);
        Optional<String> endText = required(c.end(), key + "end", "a local time HH:MM", problems);
        Optional<String> zoneText = required(c.timezone(), key + "timezone", "an IANA time zone such as Europe/Berlin",
                problems);
        Set<DayOfWeek> days = daysText.map(d -> days(d, key + "days", problems)).orElse(Set.of());
        LocalTime start = startText.map(t -> time(t, false, key + "start", problems)).orElse(LocalTime.MIDNIGHT);
        LocalTime end = endText.map(t -> time(t, true, key + "end", problems)).orElse(LocalTime.NOON);
        ZoneId zone = ZoneId.of("UTC");
        try {
            zone = ZoneId.of(zoneText.orElse("UTC").trim());
        } catch (DateTimeException e) {
            problems.add(PoolDefinitions.problem(key + "timezone", "must be an IANA time zone such as Europe/Berlin, got '"
                    + zoneText.orElse("") + "'"));
        }
        if (startText.isPresent() && endText.isPresent() && start.equals(end) && !end.equals(LocalTime.MIDNIGHT)) {
            problems.add(PoolDefinitions.problem(key + "end", "must differ from start (" + startText.get() + ")"));
        }
        int max = c.max().orElse(pool.max().orElse(Integer.MAX_VALUE));
        if (max < 1) {
            problems.add(PoolDefinitions.problem(key + "max", "must be at least 1, got " + max));
        }
        c.min().ifPresent(min -> {
            if (min < 0 || min > max) {
                problems.add(PoolDefinitions.problem(key + "min", "must be between 0 and the period's max (" + max
                        + "), got " + min));
            }
        });
        c.minIdle().ifPresent(minIdle -> {
            if (minIdle < 0 || minIdle > max) {
                problems.add(PoolDefinitions.problem(key + "min-idle", "must be between 0 and the period's max ("
                        + max + "), got " + minIdle));
            }
        });
        c.freePercent().ifPresent(free -> {
            if (free < 0 || free > 1000) {
                problems.add(PoolDefinitions.problem(key + "free-percent", "must be between 0 and 1000, got " + free));
            }
        });
        if (problems.size() > before) {
            return null;
        }
        return new SchedulePeriod(id, days, start, end, zone, c.min(), c.minIdle(), c.max(), c.freePercent());
    }

    /** The value, or empty with the key reported as missing. */
    private static Optional<String> required(Optional<String> value, String key, String what, List<String> problems) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(PoolDefinitions.problem(key, "is required: " + what));
            return Optional.empty();
        }
        return value;
    }

    /** {@code mon-fri}, {@code sat,sun}, {@code fri-mon} (ranges wrap over the weekend), {@code daily}. */
    private static Set<DayOfWeek> days(String value, String key, List<String> problems) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        for (String part : text.split(",")) {
            String[] range = part.trim().split("-", -1);
            int from = DAY_NAMES.indexOf(range[0].trim());
            int to = range.length == 2 ? DAY_NAMES.indexOf(range[1].trim()) : from;
            if (range.length > 2 || from < 0 || to < 0) {
                problems.add(PoolDefinitions.problem(key, "must be days such as mon-fri, sat,sun or daily, got '" + value + "'"));
                return EnumSet.of(DayOfWeek.MONDAY);
            }
            for (int d = from; ; d = (d + 1) % 7) {
                days.add(DayOfWeek.of(d + 1));
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    /** {@code HH:MM}; {@code 24:00} (an end only) is midnight at the end of the day. */
    private static LocalTime time(String value, boolean end, String key, List<String> problems) {
        String text = value.trim();
        if (end && text.equals("24:00")) {
            return LocalTime.MIDNIGHT;
        }
        try {
            if (text.matches("\\d{2}:\\d{2}")) {
                return LocalTime.parse(text);
            }
        } catch (DateTimeParseException e) {
            // named below
        }
        problems.add(PoolDefinitions.problem(key, "must be a time HH:MM" + (end ? " or 24:00" : "") + ", got '" + value + "'"));
        return LocalTime.NOON;
    }
}
