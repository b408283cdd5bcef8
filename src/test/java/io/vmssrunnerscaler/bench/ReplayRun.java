package io.vmssrunnerscaler.bench;

import io.smallrye.config.PropertiesConfigSource;
import io.vmssrunnerscaler.config.InvalidConfigurationException;
import io.vmssrunnerscaler.config.PoolDefinitions;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.config.ScalerConfigs;
import io.vmssrunnerscaler.pool.LabelRouter;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.sim.SimEvent;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A job history replayed on the virtual clock through the real engine, shell and simulator, under
 * one variant of the scaler's settings: the pools are built from the variant's {@code scaler.*}
 * keys exactly as the service builds them (SmallRye's mapping of {@link ScalerConfig}, then
 * {@link PoolDefinitions}), with {@code scaler.cloud=simulated}; the clock starts a warm-up before the
 * first job was queued, at the history's own times (so that settings in a named time zone line up
 * with them); each job is queued at its recorded time with its labels and repository, and runs as
 * long as it ran. The run ends when every submitted job has completed, at the latest a drain after
 * the last one would have ended had it started at once.
 *
 * <p>A job goes to the pool the scaler routes it to ({@link LabelRouter}: the most specific pool whose
 * labels cover the job's and whose scope covers its repository). A job no pool serves (a GitHub-hosted
 * label, another repository) is not submitted: it is counted as unserved, by label set. Per pool,
 * from the simulator's event log: the waits of the jobs routed to it (queued to started; a job that
 * never started counts as waiting until the end, a lower bound), how many of them GitHub gave to
 * another pool's idle runner (its labels covered theirs), and the instance-minutes of its scale sets
 * (every instance from its creation until it is gone). Beside them, the history's own waits of the
 * same jobs ({@code recorded}).
 */
final class ReplayRun {
    static final String DEFAULT_REPOSITORY = "octo-org/app";

    private ReplayRun() {}

    /**
     * The simulated world's timings (the same as bench/policy's), the seed, the warm-up before the
     * first job and the longest drain after the last.
     */
    record World(Duration provisioning, Duration reimage, long seed, Duration warmUp, Duration drain) {
        static World of(Duration provisioning, Duration reimage, long seed) {
            return new World(provisioning, reimage, seed, Duration.ofMinutes(10), Duration.ofHours(1));
        }

        SimSettings sim() {
            return new SimSettings(Duration.ofSeconds(5), provisioning, reimage, Duration.ofSeconds(20),
                    Duration.ofSeconds(5), 0, seed);
        }
    }

    /** Settings the replay cannot use: {@code <file>: <reason>}. */
    static final class BadVariant extends RuntimeException {
        BadVariant(String message) {
            super(message, null, false, false);
        }
    }

    /** One set of settings: its name and its {@code scaler.*} properties. */
    record Variant(String name, Map<String, String> properties) {

        /**
         * The variant of a properties file, named after it ({@code today.properties}: {@code today}), with
         * {@code overrides} applied over it.
         */
        static Variant load(Path file, Map<String, String> overrides) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new BadVariant(file + ": cannot read: " + e.getMessage());
            }
            Map<String, String> properties = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (!key.startsWith("scaler.")) {
                    throw new BadVariant(file + ": " + key + " is not a scaler.* setting");
                }
                properties.put(key, p.getProperty(key).trim());
            }
            properties.putAll(overrides);
            String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
            return new Variant(name, Collections.unmodifiableMap(properties));
        }

        /** The scaler's configuration, as the service maps it, in simulator mode. */
        ScalerConfig config() {
            Map<String, String> p = new HashMap<>(properties);
            p.put("scaler.cloud", "simulated");
            try {
                return ScalerConfigs.of(new PropertiesConfigSource(p, "variant " + name, 500));
            } catch (RuntimeException e) {
                // SmallRye lists its problems on lines of their own: one line, as for every other refusal
                throw new BadVariant("variant " + name + ": " + String.valueOf(e.getMessage()).strip()
                        .replaceAll("\\s*\n\\s*", " "));
            }
        }

        /** The pool loops (one per scale set), as the service builds them. */
        List<Pool> pools() {
            try {
                return PoolDefinitions.from(config(), false);
            } catch (InvalidConfigurationException e) {
                throw new BadVariant("variant " + name + ": " + String.join("; ", e.problems()));
            }
        }
    }

    /** p50, p95 and max of some waits, in seconds (nearest rank). */
    record Waits(int count, double p50, double p95, double max) {
        static Waits of(List<Double> seconds) {
            List<Double> sorted = new ArrayList<>(seconds);
            Collections.sort(sorted);
            return new Waits(sorted.size(), RunResult.percentile(sorted, 50), RunResult.percentile(sorted, 95),
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
        }
    }

    /**
     * One pool under one variant.
     *
     * @param scaleSets      its scale sets
     * @param jobIds         the history's ids of the jobs routed to it
     * @param neverStarted   of those, jobs that had not started when the run ended
     * @param ranElsewhere   of those, jobs GitHub gave to another pool's runner
     * @param waits          queued to started in the replay
     * @param recorded       queued to started in the history, of the same jobs
     * @param instanceMinutes of its scale sets, from the run's start to its end
     */
    record PoolResult(String pool, List<String> scaleSets, Set<Long> jobIds, int neverStarted, int ranElsewhere,
            Waits waits, Waits recorded, double instanceMinutes, int peakInstances) {

        int jobs() {
            return jobIds.size();
        }

        double instanceMinutesPerJob() {
            return jobIds.isEmpty() ? 0 : instanceMinutes / jobIds.size();
        }

        double cost(double pricePerInstanceHour) {
            return instanceMinutes / 60 * pricePerInstanceHour;
        }
    }

    /**
     * A variant's replay.
     *
     * @param pools          by pool name, in the scaler's order
     * @param unservedLabels jobs no pool serves, by label set (sorted, comma-separated) and repository
     * @param start          the run's start (the warm-up before the first job)
     * @param end            the run's end
     * @param all            every served job and every scale set, as one
     */
    record Result(String variant, Map<String, PoolResult> pools, Map<String, Integer> unservedLabels, Instant start,
            Instant end, PoolResult all) {

        int unserved() {
            return unservedLabels.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    static Result run(JobHistory history, Variant variant, World world) {
        List<Pool> pools = variant.pools();
        LabelRouter router = new LabelRouter(pools);
        Map<String, List<String>> scaleSetsOfPool = new LinkedHashMap<>();
        Map<String, String> poolOfScaleSet = new HashMap<>();
        for (Pool p : pools) {
            scaleSetsOfPool.computeIfAbsent(p.poolName(), k -> new ArrayList<>()).add(p.scaleSet().name());
            poolOfScaleSet.put(p.scaleSet().name(), p.poolName());
        }
        Map<Long, String> routed = new HashMap<>(); // history id -> pool
        List<JobHistory.Job> served = new ArrayList<>();
        for (JobHistory.Job job : history.jobs()) {
            String repository = repository(job);
            Optional<Pool> pool = router.route(job.labels(), repository, owner(repository));
            if (pool.isPresent()) {
                routed.put(job.id(), pool.get().poolName());
                served.add(job);
            }
        }

        Instant start = history.firstQueued().minus(world.warmUp());
        VirtualTimeSource time = new VirtualTimeSource(start);
        SimWorld sim = new SimWorld(time, world.sim(), SimulatorWiring.scaleSets(pools));
        sim.azure().throttling().enforce(true);
        ScalerConfig config = variant.config();
        ScalerOnSim.start(sim, time, pools, config.batchWindow(), config.tickInterval(), config.reconcile().interval());
        Map<Long, Long> historyIdOf = new HashMap<>(); // simulator's job id -> history id
        for (JobHistory.Job job : served) {
            String repository = repository(job);
            time.schedule(Duration.between(start, job.queuedAt()), () -> historyIdOf.put(
                    sim.gitHub().submit(job.labels(), job.duration(), repository, owner(repository)), job.id()));
        }
        Instant lastQueued = history.jobs().get(history.jobs().size() - 1).queuedAt();
        Instant latest = (served.isEmpty() ? lastQueued : served.stream().map(j -> j.queuedAt().plus(j.duration()))
                .max(Instant::compareTo).orElseThrow()).plus(world.drain());
        time.runUntil(lastQueued);
        while (time.now().isBefore(latest) && !allDone(sim, served.size())) {
            Instant next = time.now().plus(Duration.ofMinutes(1));
            time.runUntil(next.isAfter(latest) ? latest : next);
        }
        return result(variant.name(), history, sim, start, time.now(), scaleSetsOfPool, poolOfScaleSet, routed,
                historyIdOf);
    }

    private static boolean allDone(SimWorld sim, int submitted) {
        return sim.log().count(e -> e.kind() == SimEvent.Kind.JOB_COMPLETED || e.kind() == SimEvent.Kind.JOB_FAILED)
                >= submitted;
    }

    private static Result result(String variant, JobHistory history, SimWorld sim, Instant start, Instant end,
            Map<String, List<String>> scaleSetsOfPool, Map<String, String> poolOfScaleSet, Map<Long, String> routed,
            Map<Long, Long> historyIdOf) {
        List<SimEvent> events = sim.log().events();
        if (events.size() >= 1_000_000) {
            throw new IllegalStateException("the simulator's event log is full (" + events.size()
                    + " events): the figures would be wrong; replay a shorter history");
        }
        Map<Long, Instant> queued = new HashMap<>(); // by history id
        Map<Long, Instant> started = new HashMap<>();
        Map<Long, String> startedOn = new HashMap<>(); // pool of the runner that took it
        InstanceMinutes instances = new InstanceMinutes();
        Map<String, Integer> livePool = new HashMap<>();
        Map<String, Integer> peak = new HashMap<>(); // by pool
        int peakAll = 0;
        for (SimEvent e : events) {
            instances.on(e);
            Long id = historyIdOf.get(e.jobId());
            switch (e.kind()) {
                case JOB_QUEUED -> {
                    if (id != null) {
                        queued.put(id, e.at());
                    }
                }
                case JOB_STARTED -> {
                    if (id != null && started.putIfAbsent(id, e.at()) == null) {
                        startedOn.put(id, poolOfScaleSet.get(e.scaleSet()));
                    }
                }
                case INSTANCE_CREATED -> {
                    String pool = poolOfScaleSet.get(e.scaleSet());
                    peak.merge(pool, livePool.merge(pool, 1, Integer::sum), Math::max);
                    peakAll = Math.max(peakAll, instances.liveTotal());
                }
                case INSTANCE_DELETED, INSTANCE_EVICTED, INSTANCE_KILLED ->
                    livePool.merge(poolOfScaleSet.get(e.scaleSet()), -1, Integer::sum);
                default -> { }
            }
        }
        instances.end(end);
        Map<Long, JobHistory.Job> jobs = new HashMap<>();
        history.jobs().forEach(j -> jobs.put(j.id(), j));
        Map<String, PoolResult> pools = new LinkedHashMap<>();
        scaleSetsOfPool.forEach((pool, scaleSets) -> {
            Set<Long> ids = new HashSet<>();
            routed.forEach((id, p) -> {
                if (p.equals(pool)) {
                    ids.add(id);
                }
            });
            double m = scaleSets.stream().mapToDouble(instances::of).sum();
            pools.put(pool, figures(pool, scaleSets, ids, queued, started, startedOn, jobs, end, m,
                    peak.getOrDefault(pool, 0)));
        });
        PoolResult all = figures("all", List.copyOf(poolOfScaleSet.keySet()), routed.keySet(), queued, started, startedOn,
                jobs, end, instances.total(), peakAll);
        Map<String, Integer> unserved = new TreeMap<>();
        history.jobs().stream().filter(j -> !routed.containsKey(j.id())).forEach(j -> unserved.merge(
                String.join(",", new TreeSet<>(j.labels())) + " in " + repository(j), 1, Integer::sum));
        return new Result(variant, Collections.unmodifiableMap(pools), Collections.unmodifiableMap(unserved), start, end,
                all);
    }

    private static PoolResult figures(String pool, List<String> scaleSets, Set<Long> ids, Map<Long, Instant> queued,
            Map<Long, Instant> started, Map<Long, String> startedOn, Map<Long, JobHistory.Job> jobs, Instant end,
            double instanceMinutes, int peak) {
        List<Double> waits = new ArrayList<>();
        List<Double> recorded = new ArrayList<>();
        int neverStarted = 0;
        int elsewhere = 0;
        for (long id : ids) {
            JobHistory.Job job = jobs.get(id);
            Instant q = queued.getOrDefault(id, job.queuedAt());
            Instant s = started.get(id);
            if (s == null) {
                neverStarted++;
            } else if (!pool.equals("all") && !pool.equals(startedOn.get(id))) {
                elsewhere++;
            }
            waits.add(Duration.between(q, s == null ? end : s).toMillis() / 1000.0);
            recorded.add(job.recordedWait().toMillis() / 1000.0);
        }
        return new PoolResult(pool, List.copyOf(scaleSets), Set.copyOf(ids), neverStarted, elsewhere, Waits.of(waits),
                Waits.of(recorded), instanceMinutes, peak);
    }

    static String repository(JobHistory.Job job) {
        return job.repository() == null ? DEFAULT_REPOSITORY : job.repository();
    }

    private static String owner(String repository) {
        return repository.split("/", 2)[0];
    }
}
