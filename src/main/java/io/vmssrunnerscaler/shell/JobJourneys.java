package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows every job from GitHub creating it to its instance being recycled, from what the pool
 * loops decide (each loop's {@link #listener}), and tells the observer each stage as soon as it is
 * over. A job is matched with the instance it ran on only when it starts: the instance's own
 * milestones (created, configured, online) then split the wait, each clamped between the one
 * before and the start, so the waiting stages always add up to the whole wait. Keeps each pool's
 * recent stage durations and scale-set calls for operators. Bounded; safe from any thread (the
 * loops of one pool may run on different threads).
 */
public final class JobJourneys {
    /** Jobs and runners followed per pool at most; the oldest are dropped unreported. */
    static final int KEPT = 10_000;
    /** Recent stage durations and calls kept per pool for the status page. */
    static final int RECENT = 200;

    private final TimeSource time;
    private final JourneyObserver observer;
    private final Map<String, PoolJourneys> pools = new ConcurrentHashMap<>();

    public JobJourneys(TimeSource time, JourneyObserver observer) {
        this.time = time;
        this.observer = observer;
    }

    /** What one scale set's loop tells the journeys of its pool. */
    public PoolListener listener(Pool pool) {
        return new JourneyListener(pool.scaleSet().name(), of(pool.poolName()), time);
    }

    PoolJourneys of(String pool) {
        return pools.computeIfAbsent(pool, p -> new PoolJourneys(p, observer));
    }

    /** Whether the runner of this pool was seen online at GitHub since its instance was last (re)imaged. */
    public boolean online(String pool, String runnerName) {
        return of(pool).online(runnerName);
    }

    /** The pool's recent stage durations (p50/p95 over the last {@value #RECENT}) and scale-set calls. */
    public PoolLatency latency(String pool) {
        return of(pool).latency();
    }

    /** Percentiles of the recent samples of one stage, in seconds. */
    public record StageLatency(String stage, int count, double p50, double p95) {}

    /** Percentiles of the recent scale-set calls of one kind and outcome, in seconds. */
    public record CallLatency(String kind, String outcome, int count, double p50, double p95) {}

    /** @param jobs jobs started among the recent samples */
    public record PoolLatency(String pool, int jobs, List<StageLatency> stages, List<CallLatency> calls) {}

    /** One job on its way. */
    private static final class Trip {
        final long jobId;
        final String repository;
        final Instant created;
        final Instant received;
        Instant capacityAsked;
        String runner = "";
        Instant started;
        Instant completed;
        final List<JobJourney.StageTime> stages = new ArrayList<>();

        Trip(long jobId, String repository, Instant created, Instant received) {
            this.jobId = jobId;
            this.repository = repository;
            this.created = created;
            this.received = received;
        }
    }

    /** One instance's milestones since it was last (re)imaged, and the job it ran. */
    private static final class RunnerLife {
        Instant created;
        Instant configured;
        Instant online;
        long job;
    }

    /** The journeys of one pool. */
    static final class PoolJourneys {
        private final String pool;
        private final JourneyObserver observer;
        private final LinkedHashMap<Long, Trip> trips = new LinkedHashMap<>();
        private final LinkedHashMap<String, RunnerLife> runners = new LinkedHashMap<>();
        private final Map<JobStage, Deque<Double>> recent = new EnumMap<>(JobStage.class);
        private final Deque<JobJourney.CallTime> calls = new ArrayDeque<>();

        PoolJourneys(String pool, JourneyObserver observer) {
            this.pool = pool;
            this.observer = observer;
        }

        /** A job reached the pool; a job moved between its scale sets keeps its journey. */
        synchronized void received(long jobId, String repository, Instant created, Instant at) {
            if (trips.containsKey(jobId)) {
                return;
            }
            Instant from = created == null || created.isAfter(at) ? at : created; // a skewed clock never makes time
            Trip trip = new Trip(jobId, repository, from, at);
            trips.put(jobId, trip);
            trimOldest(trips);
            stage(trip, JobStage.WEBHOOK, from, at);
        }

        /** Capacity was asked for while these jobs waited. */
        synchronized void capacityAsked(Collection<Long> waiting, Instant at) {
            for (Long jobId : waiting) {
                Trip trip = trips.get(jobId);
                if (trip != null && trip.capacityAsked == null && trip.started == null) {
                    trip.capacityAsked = at;
                }
            }
        }

        synchronized void instanceCreated(String runner, Instant at) {
            RunnerLife life = new RunnerLife();
            life.created = at;
            runners.put(key(runner), life);
            trimOldest(runners);
        }

        synchronized void configured(String runner, Instant at) {
            life(runner).ifPresent(l -> l.configured = l.configured == null ? at : l.configured);
        }

        /** Seen online: from the runner's own notice, or from GitHub's runner list (taken at {@code at}). */
        synchronized void online(String runner, Instant at) {
            life(runner).filter(l -> l.configured != null && l.online == null)
                    .ifPresent(l -> l.online = at.isBefore(l.configured) ? l.configured : at);
        }

        synchronized boolean online(String runner) {
            return life(runner).map(l -> l.online != null).orElse(false);
        }

        /**
         * GitHub started the job on this runner at {@code at}: its wait is split at the runner's
         * milestones. A runner ready before the job came means an idle runner was found at once.
         */
        synchronized void started(long jobId, String runner, Instant at) {
            Trip trip = trips.get(jobId);
            if (trip == null || trip.started != null || at.isBefore(trip.received)) {
                return;
            }
            trip.started = at;
            trip.runner = runner == null ? "" : runner;
            Optional<RunnerLife> life = life(runner);
            life.ifPresent(l -> l.job = jobId);
            Instant ready = life.map(l -> l.online != null ? l.online : l.configured).orElse(null);
            Instant scheduled;
            Instant created;
            Instant configured;
            Instant online;
            if (ready != null && !ready.isAfter(trip.received)) {
                scheduled = created = configured = online = trip.received; // an idle runner was there
            } else {
                RunnerLife l = life.orElse(new RunnerLife());
                scheduled = within(trip.capacityAsked != null ? trip.capacityAsked : l.created, trip.received, at);
                created = within(l.created, scheduled, at);
                configured = within(l.configured, created, at);
                // Not seen online (no notice, no listing yet): registration runs until the start.
                online = within(l.online != null ? l.online : at, configured, at);
            }
            stage(trip, JobStage.SCHEDULING, trip.received, scheduled);
            stage(trip, JobStage.PROVISIONING, scheduled, created);
            stage(trip, JobStage.BOOT, created, configured);
            stage(trip, JobStage.REGISTRATION, configured, online);
            stage(trip, JobStage.ASSIGNMENT, online, at);
        }

        /** The job completed; one that never started (cancelled while waiting) ends here. */
        synchronized void completed(long jobId, Instant at) {
            Trip trip = trips.get(jobId);
            if (trip == null || trip.completed != null) {
                return;
            }
            if (trip.started == null) {
                end(trip);
                return;
            }
            trip.completed = at;
            stage(trip, JobStage.RUN, trip.started, at);
            if (life(trip.runner).map(l -> l.job != jobId).orElse(true)) {
                end(trip); // no instance of this pool to wait for
            }
        }

        /** The runner's instance was re-imaged or deleted: the journey of the job it ran ends. */
        synchronized void recycled(String runner, Instant at) {
            Optional<RunnerLife> life = life(runner);
            if (life.isEmpty() || life.get().job == 0) {
                return;
            }
            Trip trip = trips.get(life.get().job);
            life.get().job = 0;
            if (trip == null || trip.started == null) {
                return;
            }
            if (trip.completed == null) { // recycled before GitHub's completed delivery: the run ended by now
                trip.completed = at;
                stage(trip, JobStage.RUN, trip.started, at);
            }
            stage(trip, JobStage.RECYCLE, trip.completed, at);
            end(trip);
        }

        synchronized void forgetRunner(String runner) {
            runners.remove(key(runner));
        }

        synchronized void call(JobJourney.CallTime call) {
            calls.addLast(call);
            while (calls.size() > RECENT) {
                calls.removeFirst();
            }
        }

        synchronized PoolLatency latency() {
            List<StageLatency> stages = new ArrayList<>();
            for (JobStage stage : JobStage.values()) {
                Deque<Double> samples = recent.getOrDefault(stage, new ArrayDeque<>());
                if (!samples.isEmpty()) {
                    stages.add(new StageLatency(stage.tag(), samples.size(), percentile(samples, 50),
                            percentile(samples, 95)));
                }
            }
            Map<String, List<Double>> byCall = new LinkedHashMap<>();
            calls.forEach(c -> byCall.computeIfAbsent(c.kind() + " " + c.outcome(), k -> new ArrayList<>())
                    .add(c.duration().toMillis() / 1000.0));
            List<CallLatency> callLatency = byCall.entrySet().stream().map(e -> {
                String[] kindOutcome = e.getKey().split(" ");
                return new CallLatency(kindOutcome[0], kindOutcome[1], e.getValue().size(), percentile(e.getValue(), 50),
                        percentile(e.getValue(), 95));
            }).toList();
            return new PoolLatency(pool, recent.getOrDefault(JobStage.ASSIGNMENT, new ArrayDeque<>()).size(), stages,
                    callLatency);
        }

        private void stage(Trip trip, JobStage stage, Instant start, Instant end) {
            trip.stages.add(new JobJourney.StageTime(stage, start, end));
            Duration took = Duration.between(start, end);
            Deque<Double> samples = recent.computeIfAbsent(stage, s -> new ArrayDeque<>());
            samples.addLast(took.toMillis() / 1000.0);
            if (samples.size() > RECENT) {
                samples.removeFirst();
            }
            observer.stage(pool, stage, took);
        }

        private void end(Trip trip) {
            trips.remove(trip.jobId);
            Instant until = trip.started != null ? trip.started : trip.stages.get(trip.stages.size() - 1).end();
            List<JobJourney.CallTime> during = calls.stream()
                    .filter(c -> !c.end().isBefore(trip.received) && !c.start().isAfter(until)).toList();
            observer.ended(new JobJourney(pool, trip.jobId, trip.repository, trip.runner, trip.stages, during));
        }

        private Optional<RunnerLife> life(String runner) {
            return runner == null ? Optional.empty() : Optional.ofNullable(runners.get(key(runner)));
        }

        private static String key(String runner) {
            return runner.toLowerCase(Locale.ROOT);
        }

        private static Instant within(Instant at, Instant from, Instant until) {
            if (at == null || at.isBefore(from)) {
                return from;
            }
            return at.isAfter(until) ? until : at;
        }

        private static void trimOldest(LinkedHashMap<?, ?> map) {
            var it = map.keySet().iterator();
            while (map.size() > KEPT && it.hasNext()) {
                it.next();
                it.remove();
            }
        }

        /** Nearest-rank percentile. */
        static double percentile(Collection<Double> samples, int p) {
            List<Double> sorted = new ArrayList<>(samples);
            sorted.sort(null);
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }
}
