package io.vmssrunnerscaler.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * bench/replay: "what if" - a team's real GitHub Actions job history ({@link JobHistory}) replayed
 * on the virtual clock through the real engine, shell and simulator under one or more variants of
 * the scaler's settings, side by side ({@link ReplayRun}). Per pool and variant: jobs, p50 / p95 /
 * max wait, jobs never started, jobs GitHub gave to another pool's runner, instance-minutes (and per
 * job), peak instances and cost at a price per instance-hour; beside them the history's own waits
 * of the same jobs ({@code recorded}); then, per variant, the jobs no pool serves.
 *
 * <p>Arguments (all optional): {@code history=bench/replay/sample-history.csv
 * settings=bench/replay/today.properties[,other.properties...] price=0.096 provisioning=90s reimage=60s
 * seed=7}, and any {@code scaler.<key>=<value>}, applied to every variant over its file. A history or
 * settings the replay cannot use ends it with one line on stderr ({@code file:line: reason}) and
 * exit code 2.
 */
public final class ReplayBench {
    static final String USAGE = "usage: bench/replay/run.sh [history=FILE.csv|FILE.json] "
            + "[settings=A.properties,B.properties] [price=0.096] [provisioning=90s] [reimage=60s] [seed=7] "
            + "[scaler.<key>=<value> ...]";
    private static final Set<String> KEYS = Set.of("history", "settings", "price", "provisioning", "reimage", "seed");

    private ReplayBench() {}

    public static void main(String[] args) {
        Bench.quietLogs();
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The whole benchmark; returns the exit code (2: unusable arguments, history or settings). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Args a = Args.parse(args);
            Map<String, String> overrides = new LinkedHashMap<>();
            for (var e : a.values().entrySet()) {
                if (e.getKey().startsWith("scaler.")) {
                    overrides.put(e.getKey(), e.getValue());
                } else if (!KEYS.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown argument " + e.getKey() + "=" + e.getValue());
                }
            }
            double price = Double.parseDouble(a.text("price", "0.096"));
            ReplayRun.World world = ReplayRun.World.of(a.duration("provisioning", Duration.ofSeconds(90)),
                    a.duration("reimage", Duration.ofSeconds(60)), a.number("seed", 7));
            JobHistory history = JobHistory.read(Path.of(a.text("history", "bench/replay/sample-history.csv")));
            List<ReplayRun.Variant> variants = new ArrayList<>();
            for (String file : a.text("settings", "bench/replay/today.properties").split(",")) {
                variants.add(ReplayRun.Variant.load(Path.of(file.trim()), overrides));
            }
            for (ReplayRun.Variant v : variants) {
                v.pools(); // every variant's settings checked before the first is replayed
            }
            report(history, variants, world, price, overrides, out);
            return 0;
        } catch (JobHistory.BadHistory | ReplayRun.BadVariant e) {
            err.println(e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            err.println("replay: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
    }

    private static void report(JobHistory history, List<ReplayRun.Variant> variants, ReplayRun.World world,
            double price, Map<String, String> overrides, PrintStream out) {
        List<JobHistory.Job> jobs = history.jobs();
        out.printf(Locale.ROOT, "replay of %s: %d jobs queued %s .. %s%s%s%n", history.source(), jobs.size(),
                jobs.get(0).queuedAt(), jobs.get(jobs.size() - 1).queuedAt(),
                history.skipped().isEmpty() ? "" : "; skipped " + history.totalSkipped() + " " + history.skipped(),
                history.queuedFromStarted() == 0 ? "" : "; " + history.queuedFromStarted()
                        + " with no queued time, taken as queued when they started");
        out.printf(Locale.ROOT, "world: provisioning %s, re-image %s, seed %d, warm-up %s, drain at most %s; "
                + "price %s per instance-hour%s%n", human(world.provisioning()), human(world.reimage()), world.seed(),
                human(world.warmUp()), human(world.drain()), Report.format(price), overrides.isEmpty() ? "" : "; every variant with " + overrides);
        List<ReplayRun.Result> results = new ArrayList<>();
        for (ReplayRun.Variant v : variants) {
            long t0 = System.nanoTime();
            ReplayRun.Result r = ReplayRun.run(history, v, world);
            results.add(r);
            StringBuilder pools = new StringBuilder();
            r.pools().values().forEach(p -> pools.append(pools.isEmpty() ? "" : ", ").append(p.pool())
                    .append(" ").append(p.scaleSets()));
            out.printf(Locale.ROOT, "variant %s: pools %s; simulated %s .. %s in %.1f s%n", v.name(), pools, r.start(),
                    r.end(), (System.nanoTime() - t0) / 1e9);
        }
        Report report = new Report("replay");
        Set<String> poolNames = new LinkedHashSet<>();
        results.forEach(r -> poolNames.addAll(r.pools().keySet()));
        if (poolNames.size() > 1) {
            poolNames.add("all");
        }
        for (String pool : poolNames) {
            Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
            Map<String, Map<String, Double>> recorded = new LinkedHashMap<>();
            Set<Set<Long>> routings = new LinkedHashSet<>();
            for (ReplayRun.Result r : results) {
                ReplayRun.PoolResult p = pool.equals("all") ? r.all() : r.pools().get(pool);
                if (p == null) {
                    continue;
                }
                Map<String, Double> f = figures(p, price);
                columns.put(r.variant(), f);
                f.forEach((metric, value) -> report.add("variant=" + r.variant() + " pool=" + pool, metric, value));
                recorded.put("recorded:" + r.variant(), recordedFigures(p.recorded()));
                routings.add(p.jobIds());
            }
            // One recorded column when every variant routes the same jobs to the pool.
            if (routings.size() == 1) {
                Map<String, Double> f = recorded.values().iterator().next();
                columns.put("recorded", f);
                f.forEach((metric, value) -> report.add("variant=recorded pool=" + pool, metric, value));
            } else {
                columns.putAll(recorded);
                recorded.forEach((name, f) -> f.forEach((metric, value) -> report.add("variant=" + name + " pool=" + pool,
                        metric, value)));
            }
            out.println();
            table(out, pool.equals("all") ? "all pools" : "pool " + pool, columns);
        }
        out.println();
        Map<String, Map<String, Double>> unserved = new LinkedHashMap<>();
        for (ReplayRun.Result r : results) {
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("unserved", (double) r.unserved());
            r.unservedLabels().forEach((labels, n) -> f.put(labels, (double) n));
            unserved.put(r.variant(), f);
            report.add("variant=" + r.variant() + " pool=none", "unserved", r.unserved());
        }
        table(out, "jobs no pool serves", unserved);
        report.print(out);
    }

    /**
     * A side-by-side table, one column per variant, as wide as its longest name (Bench.table's are
     * fixed, and print to System.out).
     */
    static void table(PrintStream out, String title, Map<String, Map<String, Double>> columns) {
        Set<String> rows = new LinkedHashSet<>();
        columns.values().forEach(f -> rows.addAll(f.keySet()));
        int first = title.length();
        for (String row : rows) {
            first = Math.max(first, row.length());
        }
        StringBuilder header = new StringBuilder("  ").append(pad(title, first));
        List<Integer> widths = new ArrayList<>();
        for (String name : columns.keySet()) {
            widths.add(Math.max(12, name.length()));
            header.append("  ").append(left(name, widths.get(widths.size() - 1)));
        }
        out.println(header);
        for (String row : rows) {
            StringBuilder line = new StringBuilder("  ").append(pad(row, first));
            int i = 0;
            for (Map<String, Double> f : columns.values()) {
                line.append("  ").append(left(f.containsKey(row) ? Report.format(f.get(row)) : "-", widths.get(i++)));
            }
            out.println(line);
        }
    }

    /** 90s, 10m, 1h: as the arguments are written. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String left(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    /** A pool's figures in a fixed order. */
    static Map<String, Double> figures(ReplayRun.PoolResult p, double price) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobs", (double) p.jobs());
        f.put("wait_p50_s", p.waits().p50());
        f.put("wait_p95_s", p.waits().p95());
        f.put("wait_max_s", p.waits().max());
        f.put("never_started", (double) p.neverStarted());
        if (!p.pool().equals("all")) {
            f.put("ran_on_other_pool", (double) p.ranElsewhere());
        }
        f.put("instance_minutes", p.instanceMinutes());
        f.put("instance_minutes_per_job", p.instanceMinutesPerJob());
        f.put("peak_instances", (double) p.peakInstances());
        f.put("cost", p.cost(price));
        return f;
    }

    private static Map<String, Double> recordedFigures(ReplayRun.Waits w) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobs", (double) w.count());
        f.put("wait_p50_s", w.p50());
        f.put("wait_p95_s", w.p95());
        f.put("wait_max_s", w.max());
        return f;
    }
}
