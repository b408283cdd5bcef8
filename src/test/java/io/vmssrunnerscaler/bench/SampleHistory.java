package io.vmssrunnerscaler.bench;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Writes bench/replay/sample-history.csv: a synthetic week of one team's GitHub Actions jobs, in the
 * CSV that bench/replay/export-history.sh prints. Deterministic for a seed (the default, 20261102,
 * made the shipped file). Monday 2026-11-02 to Sunday 2026-11-08, a team in Europe/Berlin pushing
 * 08:00-18:00 local on weekdays (slow first hour, lunch dip, slow last hour), a few runs at night and
 * at the weekend, and a scheduled nightly run at 02:00. Each push starts a workflow run of 2-5 jobs
 * on {@code self-hosted;linux;x64} (2-15 min, most of them short), all queued at once, and in 3 of
 * 10 runs (every nightly) a {@code self-hosted;linux;x64;large} job (10-30 min) queued when the
 * run's first job completes. Recorded waits are a few seconds, as on GitHub-hosted runners.
 *
 * <p>{@code bench_java_main io.vmssrunnerscaler.bench.SampleHistory [seed] > bench/replay/sample-history.csv}
 * (bench/lib.sh).
 */
public final class SampleHistory {
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final LocalDate MONDAY = LocalDate.of(2026, 11, 2);
    /** Workflow runs a minute at the weekday peak. */
    static final double PEAK_RUNS_PER_MINUTE = 0.24;
    static final String LINUX = "self-hosted;linux;x64";
    static final String LARGE = "self-hosted;linux;x64;large";
    private static final String[] LINUX_NAMES = {"build", "lint", "unit tests (shard 1/2)", "unit tests (shard 2/2)",
        "integration, postgres"};
    private static final String[] LARGE_NAMES = {"e2e (chrome, firefox)", "release build \"full\""};

    private record Row(Instant queued, Instant started, Instant completed, String labels, String name) {}

    private SampleHistory() {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 20261102L;
        List<Row> rows = generate(new Random(seed));
        rows.sort(Comparator.comparing(Row::queued));
        StringBuilder out = new StringBuilder("id,queued_at,started_at,completed_at,labels,repository,name\n");
        long id = 31_000_000_000L;
        Random ids = new Random(seed + 1);
        for (Row r : rows) {
            id += 1 + ids.nextInt(3);
            out.append(id).append(',').append(q(r.queued().toString())).append(',').append(q(r.started().toString()))
                    .append(',').append(q(r.completed().toString())).append(',').append(q(r.labels())).append(',')
                    .append(q("octo-org/app")).append(',').append(q(r.name())).append('\n');
        }
        System.out.print(out);
    }

    private static List<Row> generate(Random random) {
        List<Row> rows = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            LocalDate date = MONDAY.plusDays(day);
            boolean weekday = date.getDayOfWeek().getValue() <= DayOfWeek.FRIDAY.getValue();
            ZonedDateTime midnight = date.atStartOfDay(ZONE);
            run(random, midnight.plusHours(2).toInstant(), true, rows); // the nightly
            double minute = 0;
            // Thinning: candidate runs at the peak rate, each kept with rate(minute) / peak.
            while (true) {
                minute += -Math.log(1 - random.nextDouble()) / PEAK_RUNS_PER_MINUTE;
                if (minute >= 24 * 60) {
                    break;
                }
                if (random.nextDouble() * PEAK_RUNS_PER_MINUTE < rate(minute / 60, weekday)) {
                    run(random, midnight.toInstant().plusMillis((long) (minute * 60_000)), false, rows);
                }
            }
        }
        return rows;
    }

    /** Workflow runs a minute at this local hour. */
    static double rate(double hour, boolean weekday) {
        if (!weekday) {
            return hour >= 10 && hour < 20 ? 0.004 : 0.001;
        }
        if (hour < 8 || hour >= 18) {
            return 0.002;
        }
        if (hour < 9 || hour >= 17) {
            return 0.5 * PEAK_RUNS_PER_MINUTE;
        }
        if (hour >= 12 && hour < 13) {
            return 0.6 * PEAK_RUNS_PER_MINUTE;
        }
        return PEAK_RUNS_PER_MINUTE;
    }

    private static void run(Random random, Instant at, boolean nightly, List<Row> rows) {
        Instant queued = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        int n = 2 + random.nextInt(4);
        Instant firstDone = null;
        for (int i = 0; i < n; i++) {
            Duration length = Duration.ofSeconds(120 + (long) (780 * Math.pow(random.nextDouble(), 1.6)));
            Row row = job(random, queued, length, LINUX, LINUX_NAMES[i]);
            rows.add(row);
            firstDone = firstDone == null ? row.completed() : firstDone;
        }
        if (nightly || random.nextDouble() < 0.3) {
            Duration length = Duration.ofSeconds(600 + random.nextInt(1201));
            rows.add(job(random, firstDone.plusSeconds(1), length, LARGE, LARGE_NAMES[random.nextInt(LARGE_NAMES.length)]));
        }
    }

    private static Row job(Random random, Instant queued, Duration length, String labels, String name) {
        long wait = 2 + Math.min(40, Math.round(-Math.log(1 - random.nextDouble()) * 4));
        Instant started = queued.plusSeconds(wait);
        return new Row(queued, started, started.plus(length), labels, name);
    }

    /** A field as jq's @csv quotes a string. */
    private static String q(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
