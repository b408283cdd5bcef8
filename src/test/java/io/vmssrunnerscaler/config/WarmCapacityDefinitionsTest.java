package io.vmssrunnerscaler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.AdaptiveIdle;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import io.vmssrunnerscaler.engine.Sizing;
import io.vmssrunnerscaler.pool.Pool;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** min-idle, schedules and adaptive idle from configuration, through the real SmallRye mapping. */
class WarmCapacityDefinitionsTest {

    private static Map<String, String> office() {
        Map<String, String> p = PoolDefinitionsTest.valid();
        p.put("scaler.pools.linux.max", "20");
        p.put("scaler.pools.linux.min-idle", "1");
        p.put("scaler.pools.linux.schedules.office.days", "mon-fri");
        p.put("scaler.pools.linux.schedules.office.start", "08:00");
        p.put("scaler.pools.linux.schedules.office.end", "18:00");
        p.put("scaler.pools.linux.schedules.office.timezone", "Europe/Berlin");
        p.put("scaler.pools.linux.schedules.office.min-idle", "4");
        p.put("scaler.pools.linux.schedules.night.days", "daily");
        p.put("scaler.pools.linux.schedules.night.start", "22:00");
        p.put("scaler.pools.linux.schedules.night.end", "06:00");
        p.put("scaler.pools.linux.schedules.night.timezone", "Europe/Berlin");
        p.put("scaler.pools.linux.schedules.night.min", "0");
        p.put("scaler.pools.linux.schedules.night.max", "2");
        return p;
    }

    private static PoolSpec spec(Map<String, String> p) {
        return PoolDefinitions.from(PoolDefinitionsTest.config(p)).get(0).spec();
    }

    @Test
    void periodsReachTheSpecInTheOrderOfTheirIds() {
        PoolSpec spec = spec(office());
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertEquals(1, spec.minIdle());
        assertEquals(List.of(
                new SchedulePeriod("night", EnumSet.allOf(DayOfWeek.class), LocalTime.of(22, 0), LocalTime.of(6, 0), berlin,
                        OptionalInt.of(0), OptionalInt.empty(), OptionalInt.of(2), OptionalInt.empty()),
                new SchedulePeriod("office", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0),
                        LocalTime.of(18, 0), berlin, OptionalInt.empty(), OptionalInt.of(4), OptionalInt.empty(),
                        OptionalInt.empty())), spec.schedule());
        assertEquals(new Sizing(1, 4, 20, 25, "office"), spec.sizingAt(Instant.parse("2026-11-02T09:00:00Z")));
        assertEquals(new Sizing(0, 1, 2, 25, "night"), spec.sizingAt(Instant.parse("2026-11-02T23:00:00Z")));
        assertEquals(new Sizing(1, 1, 20, 25, ""), spec.sizingAt(Instant.parse("2026-11-07T12:00:00Z")), "Saturday noon");
        assertEquals(AdaptiveIdle.OFF, spec.adaptiveIdle());
    }

    @Test
    void adaptiveIdleReachesTheSpec() {
        Map<String, String> p = PoolDefinitionsTest.valid();
        p.put("scaler.pools.linux.adaptive-idle.enabled", "true");
        p.put("scaler.pools.linux.adaptive-idle.window", "15m");
        p.put("scaler.pools.linux.adaptive-idle.boot-time", "95s");
        p.put("scaler.pools.linux.adaptive-idle.quantile", "0.9");
        assertEquals(new AdaptiveIdle(true, Duration.ofMinutes(15), Duration.ofSeconds(95), 0.9), spec(p).adaptiveIdle());
    }

    @Test
    void inAPoolOverScaleSetsTheIdleFloorsStayOnTheFirstAndAScaleSetsOwnMaxCapsAPeriods() {
        Map<String, String> p = office();
        p.put("scaler.pools.linux.adaptive-idle.enabled", "true");
        p.put("scaler.pools.linux.schedules.office.max", "30");
        p.put("scaler.pools.linux.scale-sets[0].name", "linux-spot");
        p.put("scaler.pools.linux.scale-sets[0].max", "10");
        p.put("scaler.pools.linux.scale-sets[1].name", "linux-regular");
        List<Pool> pools = PoolDefinitions.from(PoolDefinitionsTest.config(p));
        Instant mondayMorning = Instant.parse("2026-11-02T09:00:00Z");
        assertEquals(new Sizing(1, 4, 10, 25, "office"), pools.get(0).spec().sizingAt(mondayMorning));
        assertEquals(new Sizing(0, 0, 30, 25, "office"), pools.get(1).spec().sizingAt(mondayMorning));
        assertTrue(pools.get(0).spec().adaptiveIdle().enabled());
        assertEquals(AdaptiveIdle.OFF, pools.get(1).spec().adaptiveIdle());
        assertEquals(30, pools.get(1).spec().maxEver(), "the simulator's scale set holds the most a period allows");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "min-idle|21|scaler.pools.linux.min-idle (SCALER_POOLS_LINUX_MIN_IDLE): must be between 0 and max (20), got 21",
        "schedules.office.days|weekdays|scaler.pools.linux.schedules.office.days (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_DAYS): must be days such as mon-fri, sat,sun or daily, got 'weekdays'",
        "schedules.office.start|8:00|scaler.pools.linux.schedules.office.start (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_START): must be a time HH:MM, got '8:00'",
        "schedules.office.end|25:00|scaler.pools.linux.schedules.office.end (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_END): must be a time HH:MM or 24:00, got '25:00'",
        "schedules.office.end|08:00|scaler.pools.linux.schedules.office.end (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_END): must differ from start (08:00)",
        "schedules.office.timezone|Mars/Olympus|scaler.pools.linux.schedules.office.timezone (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_TIMEZONE): must be an IANA time zone such as Europe/Berlin, got 'Mars/Olympus'",
        "schedules.office.min-idle|30|scaler.pools.linux.schedules.office.min-idle (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_MIN_IDLE): must be between 0 and the period's max (20), got 30",
        "schedules.night.min|3|scaler.pools.linux.schedules.night.min (SCALER_POOLS_LINUX_SCHEDULES_NIGHT_MIN): must be between 0 and the period's max (2), got 3",
        "schedules.night.max|0|scaler.pools.linux.schedules.night.max (SCALER_POOLS_LINUX_SCHEDULES_NIGHT_MAX): must be at least 1, got 0",
        "schedules.night.free-percent|-5|scaler.pools.linux.schedules.night.free-percent (SCALER_POOLS_LINUX_SCHEDULES_NIGHT_FREE_PERCENT): must be between 0 and 1000, got -5",
        "adaptive-idle.quantile|1|scaler.pools.linux.adaptive-idle.quantile (SCALER_POOLS_LINUX_ADAPTIVE_IDLE_QUANTILE): must be above 0 and below 1, got 1.0",
        "adaptive-idle.window|30s|scaler.pools.linux.adaptive-idle.window (SCALER_POOLS_LINUX_ADAPTIVE_IDLE_WINDOW): must be at least 1m, got PT30S",
    })
    void everyInvalidKeyIsNamedWithItsProblem(String key, String value, String problem) {
        Map<String, String> p = office();
        p.put("scaler.pools.linux." + key, value);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> PoolDefinitions.from(PoolDefinitionsTest.config(p)));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aPeriodWithoutItsTimesOrZoneIsReportedWithTheOtherProblems() {
        Map<String, String> p = office();
        p.remove("scaler.pools.linux.schedules.office.timezone");
        p.remove("scaler.pools.linux.schedules.office.start");
        p.put("scaler.pools.linux.min-idle", "-1");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> PoolDefinitions.from(PoolDefinitionsTest.config(p)));
        assertEquals(List.of(
                "scaler.pools.linux.min-idle (SCALER_POOLS_LINUX_MIN_IDLE): must be between 0 and max (20), got -1",
                "scaler.pools.linux.schedules.office.start (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_START): is required: a local time HH:MM",
                "scaler.pools.linux.schedules.office.timezone (SCALER_POOLS_LINUX_SCHEDULES_OFFICE_TIMEZONE): is required: "
                        + "an IANA time zone such as Europe/Berlin"), e.problems());
    }
}
