package io.vmssrunnerscaler.engine;

import io.vmssrunnerscaler.engine.Instance.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A mutable working copy of a {@link PoolState} for the length of one decision. Not shared. */
final class PoolDraft {
    final PoolSpec spec;
    final Instant now;
    final TreeMap<String, Instance> instances;
    final Map<Long, PoolState.QueuedJob> queued;
    final Map<Long, Instant> endedJobs;
    final Map<String, PoolState.OrphanStart> orphanStarts;
    final List<Operation> operations;
    long nextOperationId;
    long lastListApplied;
    long growthSettlesWith;
    int consecutiveFailures;
    Instant backoffUntil;
    Optional<PoolState.Failure> lastFailure;
    Optional<PoolState.GrowthRefusal> growthRefusal;
    final List<PoolCommand> commands = new ArrayList<>();

    PoolDraft(PoolState s, Instant now) {
        this.spec = s.spec();
        this.now = now;
        this.instances = new TreeMap<>(s.instances());
        this.queued = new LinkedHashMap<>(s.queued());
        this.endedJobs = new HashMap<>(s.endedJobs());
        this.orphanStarts = new HashMap<>(s.orphanStarts());
        this.operations = new ArrayList<>(s.operations());
        this.nextOperationId = s.nextOperationId();
        this.lastListApplied = s.lastListApplied();
        this.growthSettlesWith = s.growthSettlesWith();
        this.consecutiveFailures = s.consecutiveFailures();
        this.backoffUntil = s.backoffUntil();
        this.lastFailure = s.lastFailure();
        this.growthRefusal = s.growthRefusal();
    }

    Decision finish() {
        PoolState state = new PoolState(spec, instances, queued, endedJobs, orphanStarts, operations,
                nextOperationId, lastListApplied, growthSettlesWith, consecutiveFailures, backoffUntil, lastFailure,
                growthRefusal);
        return new Decision(state, commands);
    }

    Optional<Instance> byName(String runnerName) {
        if (runnerName == null) {
            return Optional.empty();
        }
        return instances.values().stream().filter(i -> i.name().equalsIgnoreCase(runnerName)).findFirst();
    }

    /** Moves the instance if its lifecycle allows it; a rejected move changes nothing. */
    boolean move(Instance instance, Phase to) {
        Transition t = instance.moveTo(to, now);
        if (t instanceof Transition.Moved moved) {
            instances.put(instance.instanceId(), moved.instance());
            if (instance.marked() && !moved.instance().marked()) {
                commands.add(new PoolCommand.ClearBusy(instance.name())); // re-imaged: a fresh instance
            }
            return true;
        }
        return false;
    }

    /** The instance has left the scale set (deleted, or gone from a listing); so has its marker. */
    void remove(Instance instance) {
        instances.remove(instance.instanceId());
        if (instance.marked()) {
            commands.add(new PoolCommand.ClearBusy(instance.name()));
        }
    }

    /**
     * The job on this instance is really over: it leaves the busy set and awaits recycling. Its
     * marker stays until the re-image or delete has succeeded: a restart before then must not take
     * the used VM for a fresh one still booting.
     */
    void endJob(Instance instance) {
        if (!move(instance, Phase.FINISHED)) {
            return;
        }
        if (instance.jobId() != 0) {
            // Remembered as ended even when the runner went offline or the grace passed: a late
            // completed or in_progress must not touch the re-imaged instance that keeps the name.
            endedJobs.putIfAbsent(instance.jobId(), now);
        }
    }

    /** Records a newly queued job, here and in the store. */
    void enqueue(long jobId, PoolState.QueuedJob job) {
        if (queued.putIfAbsent(jobId, job) == null) {
            commands.add(new PoolCommand.RememberQueued(jobId, job.repository(), job.since()));
        }
    }

    /** The job no longer waits (started, over, or too old): here and in the store. */
    void dequeue(long jobId) {
        if (queued.remove(jobId) != null) {
            commands.add(new PoolCommand.ForgetQueued(jobId));
        }
    }

    /** Records this version of the instance as marked, and writes its marker. */
    void markBusy(Instance instance) {
        instances.put(instance.instanceId(), instance.withMarker());
        commands.add(new PoolCommand.MarkBusy(instance.name(), instance.instanceId(), instance.jobId(), now));
    }

    /**
     * Drains the instance at GitHub if its lifecycle allows it; the one place a drain starts. An
     * unanswered earlier drain of it is superseded (a re-imaged instance keeps its name, and a job
     * may have landed during that drain): its late answer must find nothing, or it would end this one.
     */
    boolean startDrain(Instance instance) {
        if (!move(instance, Phase.DRAINING)) {
            return false;
        }
        operations.removeIf(o -> o.kind() == Operation.Kind.DRAIN && o.instanceIds().contains(instance.instanceId()));
        startOperation(Operation.Kind.DRAIN, List.of(instance.instanceId()), 0);
        return true;
    }

    Operation startOperation(Operation.Kind kind, List<String> instanceIds, int capacity) {
        Operation op = new Operation(nextOperationId++, kind, instanceIds, capacity, now);
        operations.add(op);
        commands.add(switch (kind) {
            case SET_CAPACITY -> new PoolCommand.SetCapacity(op);
            case REIMAGE -> new PoolCommand.ReimageInstances(op);
            case DELETE -> new PoolCommand.DeleteInstances(op);
            case LIST -> new PoolCommand.ListInstances(op);
            case DRAIN -> new PoolCommand.RemoveRunner(instances.get(instanceIds.get(0)).name(), op.id());
        });
        return op;
    }

    Optional<Operation> removeOperation(long id) {
        for (int i = 0; i < operations.size(); i++) {
            if (operations.get(i).id() == id) {
                return Optional.of(operations.remove(i));
            }
        }
        return Optional.empty();
    }

    boolean inFlight(Operation.Kind kind) {
        return operations.stream().anyMatch(o -> o.kind() == kind);
    }

    /**
     * Asks for a new listing even if one is on its way; returns its id. After a capacity change a
     * listing already in flight may have been taken before the change and would not show it.
     */
    long requestFreshList() {
        return startOperation(Operation.Kind.LIST, List.of(), 0).id();
    }

    /** Asks for a listing unless one is already on its way; returns the id of the awaited one. */
    long requestList() {
        return operations.stream()
                .filter(o -> o.kind() == Operation.Kind.LIST)
                .mapToLong(Operation::id)
                .max()
                .orElseGet(() -> startOperation(Operation.Kind.LIST, List.of(), 0).id());
    }

    long count(Phase phase) {
        return instances.values().stream().filter(i -> i.phase() == phase).count();
    }

    int live() {
        return (int) instances.values().stream().filter(i -> i.phase().isLive()).count();
    }

    int desired() {
        return spec.desiredFor(PoolState.demand(instances.values(), queued.size()));
    }

    /**
     * Capacity may shrink (explicit deletes) once the scale set has been listed, when no growth is in
     * flight or settling, and not backing off. Before the first listing the engine does not know
     * the scale set's real size: a capacity PATCH computed from nothing could be below it and let
     * Azure remove instances of its own choosing.
     */
    boolean canShrink() {
        return lastListApplied > 0 && !inFlight(Operation.Kind.SET_CAPACITY) && growthSettlesWith == 0
                && !now.isBefore(backoffUntil);
    }

    /**
     * Capacity may grow when it may shrink and no delete is in flight: a capacity PATCH is absolute,
     * and racing it with a delete could make Azure pick its own victim, possibly a busy one.
     */
    boolean canGrow() {
        return canShrink() && count(Phase.DELETING) == 0 && !growthRefused();
    }

    /** Azure refused capacity recently: no capacity is asked for until its back-off has passed. */
    boolean growthRefused() {
        return PoolState.refusesGrowth(growthRefusal, now);
    }

    /**
     * An unanswered capacity change may be raised under the same conditions as a new one, but for
     * the change itself: the instances it adds are not known yet, so the new target, computed from
     * the same listing, still counts every instance Azure holds.
     */
    boolean canRaiseCapacity() {
        return lastListApplied > 0 && growthSettlesWith == 0 && !now.isBefore(backoffUntil) && count(Phase.DELETING) == 0
                && !growthRefused();
    }

    /**
     * Azure refused capacity: back off growth only (deletes and re-images go on), the pool's
     * refusal back-off after the first refusal, doubling to at most {@link PoolSpec#MAX_REFUSAL_BACKOFF}.
     * Quota and allocation refusals do not pass within seconds, and each PATCH spends a token that
     * re-images need.
     */
    void recordRefusal(String code, String reason) {
        int inARow = growthRefusal.map(r -> r.inARow() + 1).orElse(1);
        java.time.Duration doubled = spec.refusalBackoff().multipliedBy(1L << Math.min(inARow - 1, 20));
        java.time.Duration cap = spec.refusalBackoff().compareTo(PoolSpec.MAX_REFUSAL_BACKOFF) > 0
                ? spec.refusalBackoff() : PoolSpec.MAX_REFUSAL_BACKOFF;
        java.time.Duration backoff = doubled.compareTo(cap) > 0 ? cap : doubled;
        growthRefusal = Optional.of(new PoolState.GrowthRefusal(inARow, code, reason, now, now.plus(backoff)));
        lastFailure = Optional.of(new PoolState.Failure(Operation.Kind.SET_CAPACITY,
                "capacity refused (" + code + "): " + reason, now));
    }

    void recordFailure(Operation op, String reason) {
        consecutiveFailures++;
        long backoffSeconds = Math.min(300, 5L << Math.min(6, consecutiveFailures - 1));
        backoffUntil = now.plusSeconds(backoffSeconds);
        lastFailure = Optional.of(new PoolState.Failure(op.kind(), reason, now));
    }
}
