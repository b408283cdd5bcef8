package io.vmssrunnerscaler.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the engine knows about one pool. Immutable; {@link ScalingEngine#decide} returns a
 * new one. The desired size is always recomputed from this snapshot, never kept as a tally.
 *
 * @param spec the pool's rules
 * @param instances by instance id, in Azure's numeric order
 * @param queued jobs seen queued and not yet started, with when they were first seen and their repository
 * @param endedJobs recently completed jobs, so that late or repeated deliveries change nothing
 * @param orphanStarts runners that started a job before their instance was listed, by lower-cased runner name
 * @param operations scale-set calls in flight
 * @param nextOperationId the id the next operation gets
 * @param lastListApplied id of the newest listing applied; older ones are stale and ignored
 * @param growthSettlesWith after a capacity change, the listing that must arrive before the next
 *     one (0 when none is awaited): until then the engine does not know the new instances
 * @param consecutiveFailures failed scale-set calls in a row, for back-off
 * @param backoffUntil no capacity change before this instant
 * @param lastFailure the most recent failed call, for operators
 * @param growthRefusal Azure's latest refusal of capacity while growth backs off from it (empty
 *     once a capacity change succeeds)
 * @param evictions when Azure announced the evictions of the last day, oldest first: a pool over
 *     several scale sets sends new capacity elsewhere while one is evicted often
 * @param preferredElsewhere a scale set the pool prefers to this one takes new jobs now: this one
 *     keeps no free capacity and deletes its instances after their jobs instead of re-imaging them,
 *     so that the pool's capacity flows back to the preferred (cheaper) one
 * @param arrivals jobs first queued here, per minute (the minute's start), over the adaptive idle
 *     window; empty when the pool does not follow its arrivals
 * @param asOf when this snapshot was decided: the clock that schedule periods and the arrival
 *     window are read at
 * @param control what an operator set at runtime: a pause, and overrides of the sizing
 */
public record PoolState(
        PoolSpec spec,
        SortedMap<String, Instance> instances,
        Map<Long, QueuedJob> queued,
        Map<Long, Instant> endedJobs,
        Map<String, OrphanStart> orphanStarts,
        List<Operation> operations,
        long nextOperationId,
        long lastListApplied,
        long growthSettlesWith,
        int consecutiveFailures,
        Instant backoffUntil,
        Optional<Failure> lastFailure,
        Optional<GrowthRefusal> growthRefusal,
        List<Instant> evictions,
        boolean preferredElsewhere,
        SortedMap<Instant, Integer> arrivals,
        Instant asOf,
        PoolControl control) {

    /**
     * A job waiting for a runner.
     *
     * @param since when it was first seen queued
     * @param repository {@code owner/name}, for asking GitHub about it; empty when not known
     */
    public record QueuedJob(Instant since, String repository) {
        public QueuedJob {
            java.util.Objects.requireNonNull(since, "since");
            repository = repository == null ? "" : repository;
        }
    }

    /**
     * A job start reported for a runner whose instance is not listed yet.
     *
     * @param restored read back from the busy store at start: the instance was listed by an earlier
     *     process, so a listing taken after this that does not show it means it is gone
     * @param repository the job's {@code owner/name}, empty when not known
     */
    public record OrphanStart(long jobId, Instant at, boolean restored, String repository) {
        public OrphanStart(long jobId, Instant at) {
            this(jobId, at, false, "");
        }

        public OrphanStart {
            repository = repository == null ? "" : repository;
        }
    }

    /** A scale-set call that failed. */
    public record Failure(Operation.Kind kind, String reason, Instant at) {}

    /**
     * Azure refused capacity {@code inARow} times without a capacity change succeeding in between;
     * no capacity is asked for before {@code until}.
     */
    public record GrowthRefusal(int inARow, String code, String reason, Instant at, Instant until) {}

    /** Whether growth still backs off from Azure's latest refusal of capacity at {@code now}. */
    public boolean refusesGrowthAt(Instant now) {
        return refusesGrowth(growthRefusal, now) || evictionHoldAt(now).isPresent();
    }

    /** The code under which a hold after evictions shows beside Azure's refusal codes. */
    public static final String EVICTED_OFTEN = "EvictedOften";

    /**
     * The hold on growth that the evictions put on this scale set at {@code now}, if any: past the
     * spec's eviction limit, growth is held back as by a refusal of capacity, until the cool-down
     * after the latest eviction. Derived from the evictions, so that Azure's own refusals and
     * capacity changes neither shorten nor end it.
     */
    public Optional<GrowthRefusal> evictionHoldAt(Instant now) {
        return evictionHold(spec.evictionLimit(), evictions, now);
    }

    static Optional<GrowthRefusal> evictionHold(PoolSpec.EvictionLimit limit, List<Instant> evictions, Instant now) {
        return heldByEvictionsUntil(evictions, limit.threshold(), limit.window(), limit.cooldown())
                .filter(now::isBefore)
                .map(until -> new GrowthRefusal(0, EVICTED_OFTEN, limit.threshold() + " or more evictions within "
                        + limit.window() + ": new capacity goes to the pool's next scale set",
                        evictions.get(evictions.size() - 1), until));
    }

    static boolean refusesGrowth(Optional<GrowthRefusal> refusal, Instant now) {
        return refusal.isPresent() && now.isBefore(refusal.get().until());
    }

    public PoolState {
        TreeMap<String, Instance> sorted = new TreeMap<>(Operation.INSTANCE_ID_ORDER);
        sorted.putAll(instances);
        instances = Collections.unmodifiableSortedMap(sorted);
        queued = Map.copyOf(queued);
        endedJobs = Map.copyOf(endedJobs);
        orphanStarts = Map.copyOf(orphanStarts);
        operations = List.copyOf(operations);
        evictions = List.copyOf(evictions);
        arrivals = Collections.unmodifiableSortedMap(new TreeMap<>(arrivals));
        java.util.Objects.requireNonNull(asOf, "asOf");
        java.util.Objects.requireNonNull(control, "control");
    }

    /** Without anything set by an operator. */
    public PoolState(PoolSpec spec, SortedMap<String, Instance> instances, Map<Long, QueuedJob> queued,
            Map<Long, Instant> endedJobs, Map<String, OrphanStart> orphanStarts, List<Operation> operations,
            long nextOperationId, long lastListApplied, long growthSettlesWith, int consecutiveFailures,
            Instant backoffUntil, Optional<Failure> lastFailure, Optional<GrowthRefusal> growthRefusal,
            List<Instant> evictions, boolean preferredElsewhere, SortedMap<Instant, Integer> arrivals, Instant asOf) {
        this(spec, instances, queued, endedJobs, orphanStarts, operations, nextOperationId, lastListApplied,
                growthSettlesWith, consecutiveFailures, backoffUntil, lastFailure, growthRefusal, evictions,
                preferredElsewhere, arrivals, asOf, PoolControl.NONE);
    }

    /** With no evictions recorded. */
    public PoolState(PoolSpec spec, SortedMap<String, Instance> instances, Map<Long, QueuedJob> queued,
            Map<Long, Instant> endedJobs, Map<String, OrphanStart> orphanStarts, List<Operation> operations,
            long nextOperationId, long lastListApplied, long growthSettlesWith, int consecutiveFailures,
            Instant backoffUntil, Optional<Failure> lastFailure, Optional<GrowthRefusal> growthRefusal) {
        this(spec, instances, queued, endedJobs, orphanStarts, operations, nextOperationId, lastListApplied,
                growthSettlesWith, consecutiveFailures, backoffUntil, lastFailure, growthRefusal, List.of(), false,
                new TreeMap<>(), Instant.EPOCH);
    }

    /** The end of the cool-down after the latest run of {@code threshold} evictions within one window, if any. */
    static Optional<Instant> heldByEvictionsUntil(List<Instant> evictions, int threshold, java.time.Duration window,
            java.time.Duration cooldown) {
        if (threshold < 1) {
            return Optional.empty();
        }
        for (int last = evictions.size() - 1; last >= threshold - 1; last--) {
            Instant end = evictions.get(last);
            if (evictions.get(last - threshold + 1).isAfter(end.minus(window))) {
                return Optional.of(end.plus(cooldown)); // the latest such run decides
            }
        }
        return Optional.empty();
    }

    /** A pool that knows nothing yet; the first listing fills it. */
    public static PoolState empty(PoolSpec spec) {
        return new PoolState(spec, new TreeMap<>(), Map.of(), Map.of(), Map.of(), List.of(), 1, 0, 0, 0,
                Instant.EPOCH, Optional.empty(), Optional.empty(), List.of(), false, new TreeMap<>(), Instant.EPOCH);
    }

    public int busy() {
        return (int) instances.values().stream().filter(i -> i.phase().isBusy()).count();
    }

    public int live() {
        return (int) instances.values().stream().filter(i -> i.phase().isLive()).count();
    }

    /** The size the pool should have: busy plus queued, with free capacity on top, within min and max. */
    public int desired() {
        return desiredFor(sizing(), idleTarget(), preferredElsewhere, demand(instances.values(), queued.size()));
    }

    /**
     * The sizing in force when this snapshot was decided: the schedule period's, or the pool's own,
     * under the operator's overrides.
     */
    public Sizing sizing() {
        return control.applyTo(spec.sizingAt(asOf));
    }

    /** An operator paused the scale set: no new capacity. */
    public boolean paused() {
        return control.paused();
    }

    /** The idle runners the pool keeps ready, and why. */
    public IdleTarget idleTarget() {
        return idleTargetOf(spec, sizing(), arrivals, asOf);
    }

    static IdleTarget idleTargetOf(PoolSpec spec, Sizing sizing, SortedMap<Instant, Integer> arrivals, Instant now) {
        return IdleTarget.of(sizing, spec.adaptiveIdle(), arrivalsWithin(arrivals, spec.adaptiveIdle().window(), now));
    }

    /** Jobs first queued within {@code window} before {@code now}, counted by whole minutes. */
    static int arrivalsWithin(SortedMap<Instant, Integer> arrivals, java.time.Duration window, Instant now) {
        return arrivals.tailMap(now.minus(window)).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A scale set the pool prefers to another keeps neither free capacity nor a minimum there. */
    static int desiredFor(Sizing sizing, IdleTarget idle, boolean preferredElsewhere, int demand) {
        return preferredElsewhere ? Math.min(sizing.max(), demand) : sizing.desiredFor(demand, idle.value());
    }

    /**
     * Busy plus queued. A busy runner whose job id is not known yet (its hook came before the
     * {@code in_progress} webhook) is most likely running one of the queued jobs: it is not counted twice.
     */
    static int demand(java.util.Collection<Instance> instances, int queued) {
        int busy = 0;
        int jobUnknown = 0;
        for (Instance i : instances) {
            if (i.phase().isBusy()) {
                busy++;
                if (i.jobId() == 0) {
                    jobUnknown++;
                }
            }
        }
        return busy + Math.max(0, queued - jobUnknown);
    }

    public Optional<Instance> byName(String runnerName) {
        if (runnerName == null) {
            return Optional.empty();
        }
        return instances.values().stream().filter(i -> i.name().equalsIgnoreCase(runnerName)).findFirst();
    }
}
