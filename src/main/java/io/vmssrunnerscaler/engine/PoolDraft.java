package io.vmssrunnerscaler.engine;

import io.vmssrunnerscaler.engine.Instance.Transition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A mutable working copy of a {@link PoolState} for the length of one decision. Not shared.
 * Every change goes through one method that says what happened, so that the rules that must hold
 * together (a drain supersedes the older one, a marker follows its instance, a store write
 * follows a queue change) live in one place; readers get copies or unmodifiable views.
 */
final class PoolDraft {
    private final PoolSpec spec;
    private final Instant now;
    private final TreeMap<String, Instance> instances;
    private final Map<Long, PoolState.QueuedJob> queued;
    private final Map<Long, Instant> endedJobs;
    private final Map<String, PoolState.OrphanStart> orphanStarts;
    private final List<Operation> operations;
    private long nextOperationId;
    private long lastListApplied;
    private long growthSettlesWith;
    private int consecutiveFailures;
    private Instant backoffUntil;
    private Optional<PoolState.Failure> lastFailure;
    private Optional<PoolState.GrowthRefusal> growthRefusal;
    private final List<Instant> evictions;
    private boolean preferredElsewhere;
    private final TreeMap<Instant, Integer> arrivals;
    private PoolControl control;
    private Sizing sizing;
    private final List<PoolCommand> commands = new ArrayList<>();
    /** How long announced evictions are remembered, and how many at most. */
    static final Duration EVICTIONS_KEPT_FOR = Duration.ofDays(1);
    static final int EVICTIONS_KEPT = 1000;

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
        this.evictions = new ArrayList<>(s.evictions());
        this.preferredElsewhere = s.preferredElsewhere();
        this.arrivals = new TreeMap<>(s.arrivals());
        this.control = s.control();
        this.sizing = control.applyTo(spec.sizingAt(now));
    }

    Decision finish() {
        PoolState state = new PoolState(spec, instances, queued, endedJobs, orphanStarts, operations,
                nextOperationId, lastListApplied, growthSettlesWith, consecutiveFailures, backoffUntil, lastFailure,
                growthRefusal, evictions, preferredElsewhere, arrivals, now, control);
        return new Decision(state, commands);
    }

    // ---- reading

    PoolSpec spec() {
        return spec;
    }

    Instant now() {
        return now;
    }

    /** The instances in Azure's numeric order; a copy, so the caller may change the draft while iterating it. */
    List<Instance> instances() {
        return List.copyOf(instances.values());
    }

    /** The instances in this phase, longest in it first. */
    List<Instance> instancesIn(Phase phase) {
        return instances.values().stream()
                .filter(i -> i.phase() == phase)
                .sorted(Comparator.comparing(Instance::since))
                .toList();
    }

    Optional<Instance> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    int size() {
        return instances.size();
    }

    Optional<Instance> byName(String runnerName) {
        if (runnerName == null) {
            return Optional.empty();
        }
        return instances.values().stream().filter(i -> i.name().equalsIgnoreCase(runnerName)).findFirst();
    }

    /** The jobs waiting for a runner, oldest first; read-only. */
    Map<Long, PoolState.QueuedJob> queued() {
        return Collections.unmodifiableMap(queued);
    }

    boolean isQueued(long jobId) {
        return queued.containsKey(jobId);
    }

    /** The job is known to be over: late or repeated deliveries for it change nothing. */
    boolean jobEnded(long jobId) {
        return endedJobs.containsKey(jobId);
    }

    /** The job has been seen beyond its queueing: ended, running on an instance, or started before its instance was listed. */
    boolean jobSeen(long jobId) {
        return jobEnded(jobId)
                || instances.values().stream().anyMatch(i -> i.jobId() == jobId)
                || orphanStarts.values().stream().anyMatch(o -> o.jobId() == jobId);
    }

    Optional<PoolState.OrphanStart> orphanStart(String runnerName) {
        return Optional.ofNullable(orphanStarts.get(orphanKey(runnerName)));
    }

    /** The first unanswered call of this kind, if any. */
    Optional<Operation> unanswered(Operation.Kind kind) {
        return operations.stream().filter(o -> o.kind() == kind).findFirst();
    }

    boolean inFlight(Operation.Kind kind) {
        return operations.stream().anyMatch(o -> o.kind() == kind);
    }

    /** The scale set has been listed at least once: before that the engine does not know its size. */
    boolean listed() {
        return lastListApplied > 0;
    }

    /** A capacity change awaits the listing that shows its instances. */
    boolean growthSettling() {
        return growthSettlesWith != 0;
    }

    /** Failed calls in a row still hold capacity changes back. */
    boolean backingOff() {
        return now.isBefore(backoffUntil);
    }

    long count(Phase phase) {
        return instances.values().stream().filter(i -> i.phase() == phase).count();
    }

    int live() {
        return (int) instances.values().stream().filter(i -> i.phase().isLive()).count();
    }

    int desired() {
        return PoolState.desiredFor(sizing, PoolState.idleTargetOf(spec, sizing, arrivals, now), preferredElsewhere,
                PoolState.demand(instances.values(), queued.size()));
    }

    /** The sizing in force now: the schedule period's, or the pool's own, under the operator's overrides. */
    Sizing sizing() {
        return sizing;
    }

    /** An operator paused the scale set: no capacity is asked for and nothing is re-imaged. */
    boolean paused() {
        return control.paused();
    }

    PoolControl control() {
        return control;
    }

    /** What an operator set now applies. */
    void control(PoolControl newControl) {
        control = newControl;
        sizing = newControl.applyTo(spec.sizingAt(now));
    }

    /** Whether a scale set the pool prefers takes new jobs now (see {@link PoolState#preferredElsewhere}). */
    boolean preferredElsewhere() {
        return preferredElsewhere;
    }

    void preferElsewhere(boolean elsewhere) {
        preferredElsewhere = elsewhere;
    }

    /**
     * Capacity may shrink (explicit deletes) once the scale set has been listed, when no growth is in
     * flight or settling, and not backing off. Before the first listing the engine does not know
     * the scale set's real size: a capacity PATCH computed from nothing could be below it and let
     * Azure remove instances of its own choosing.
     */
    boolean canShrink() {
        return listed() && !inFlight(Operation.Kind.SET_CAPACITY) && !growthSettling() && !backingOff();
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
        return PoolState.refusesGrowth(growthRefusal, now)
                || PoolState.evictionHold(spec.evictionLimit(), evictions, now).isPresent();
    }

    /**
     * An unanswered capacity change may be raised under the same conditions as a new one, but for
     * the change itself: the instances it adds are not known yet, so the new target, computed from
     * the same listing, still counts every instance Azure holds.
     */
    boolean canRaiseCapacity() {
        return listed() && !growthSettling() && !backingOff() && count(Phase.DELETING) == 0 && !growthRefused();
    }

    // ---- instances

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

    /** Records the VM's power as the latest listing shows it; returns the instance as recorded. */
    Instance observePower(Instance instance, boolean off) {
        Instance now = instance.withPoweredOff(off);
        instances.put(instance.instanceId(), now);
        return now;
    }

    /** Records the VM id the latest listing shows; a listing without one leaves the known id. */
    void observeVmId(Instance instance, String vmId) {
        if (vmId != null && !vmId.equals(instance.vmId())) {
            instances.put(instance.instanceId(), instance.withVmId(vmId));
        }
    }

    /** A listing shows an instance the pool did not know. */
    void add(Instance instance) {
        instances.put(instance.instanceId(), instance);
    }

    /** The instance has left the scale set (deleted, or gone from a listing); so has its marker. */
    void remove(Instance instance) {
        instances.remove(instance.instanceId());
        if (instance.marked()) {
            commands.add(new PoolCommand.ClearBusy(instance.name()));
        }
    }

    /** The runner asked for its configuration and may have it: idle from now on, never configured twice. */
    void grantConfig(Instance instance) {
        configured(instance);
        commands.add(new PoolCommand.GrantRunnerConfig(instance.name(), instance.instanceId()));
    }

    /** The runner may not have a configuration; the caller learns why from the decision. */
    void rejectConfig(String runnerName, PoolCommand.ConfigRejection reason) {
        commands.add(new PoolCommand.RejectRunnerConfig(runnerName, reason));
    }

    /**
     * GitHub shows the instance's runner up although this process handed out no configuration (a
     * previous one did): it is idle, and a second configuration request is refused.
     */
    boolean adoptConfigured(Instance instance) {
        return configured(instance);
    }

    private boolean configured(Instance instance) {
        if (!move(instance, Phase.IDLE)) {
            return false;
        }
        instances.put(instance.instanceId(), instances.get(instance.instanceId()).withConfigIssued());
        return true;
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
            recordEnded(instance.jobId());
        }
    }

    // ---- jobs

    /** The job is over; a repeated or late delivery for it changes nothing from now on. */
    void recordEnded(long jobId) {
        endedJobs.putIfAbsent(jobId, now);
    }

    /** Records a newly queued job, here and in the store, and counts its arrival when the pool follows arrivals. */
    void enqueue(long jobId, PoolState.QueuedJob job) {
        if (queued.putIfAbsent(jobId, job) == null) {
            commands.add(new PoolCommand.RememberQueued(jobId, job.repository(), job.since()));
            if (spec.adaptiveIdle().enabled()) {
                arrivals.merge(job.since().truncatedTo(ChronoUnit.MINUTES), 1, Integer::sum);
            }
        }
    }

    /** The job no longer waits (started, over, or too old): here and in the store. */
    void dequeue(long jobId) {
        if (queued.remove(jobId) != null) {
            commands.add(new PoolCommand.ForgetQueued(jobId));
        }
    }

    /** The instance now runs this job (0: not known yet): recorded here and in the busy store. */
    void assignJob(Instance instance, long jobId, String repository) {
        markBusy(instances.get(instance.instanceId()).withJob(jobId, repository));
    }

    /** Records this version of the instance as marked, and writes its marker. */
    void markBusy(Instance instance) {
        instances.put(instance.instanceId(), instance.withMarker());
        commands.add(new PoolCommand.MarkBusy(instance.name(), instance.instanceId(), instance.jobId(),
                instance.repository(), now));
    }

    /**
     * A runner started a job before its instance was listed: kept until a listing shows it. A
     * start that names the job is not replaced by one that does not.
     */
    void recordOrphanStart(String runnerName, long jobId, boolean restored, String repository) {
        orphanStarts.merge(orphanKey(runnerName), new PoolState.OrphanStart(jobId, now, restored, repository),
                (old, neu) -> old.jobId() != 0 ? old : neu);
    }

    /** The starts awaiting a listing, by lower-cased runner name; a copy. */
    Map<String, PoolState.OrphanStart> orphanStarts() {
        return Map.copyOf(orphanStarts);
    }

    /** The start awaiting a listing for this runner is settled (listed, or over); returns it if there was one. */
    Optional<PoolState.OrphanStart> forgetOrphanStart(String runnerName) {
        return Optional.ofNullable(orphanStarts.remove(orphanKey(runnerName)));
    }

    /** Queued jobs that never started stop counting as demand; memory of ended jobs and early starts is bounded. */
    void forgetOlderThan(Instant cutoff) {
        queued.entrySet().stream().filter(e -> e.getValue().since().isBefore(cutoff)).map(Map.Entry::getKey)
                .toList().forEach(this::dequeue);
        endedJobs.values().removeIf(at -> at.isBefore(cutoff));
        orphanStarts.values().removeIf(o -> o.at().isBefore(cutoff));
        Instant evictionCutoff = now.minus(EVICTIONS_KEPT_FOR);
        evictions.removeIf(at -> at.isBefore(evictionCutoff));
        arrivals.headMap(now.minus(spec.adaptiveIdle().window())).clear();
    }

    // ---- losses: evictions and vanished runners

    /**
     * Azure takes the instance away. A job on it is lost (one whose completed-hook ran is over
     * already); its marker goes, so that a restart does not take it for busy; its runner is
     * removed at GitHub (refused while GitHub still holds the job; reconcile removes it once
     * offline); and it stops counting as capacity, so the planner replaces it at once.
     */
    boolean evict(Instance instance) {
        if (!move(instance, Phase.EVICTED)) {
            return false;
        }
        if (instance.phase() == Phase.BUSY) {
            lose(instance, PoolCommand.LostReason.EVICTED);
        }
        operations.removeIf(o -> o.kind() == Operation.Kind.DRAIN && o.instanceIds().contains(instance.instanceId()));
        Instance evicted = instances.get(instance.instanceId());
        if (evicted.marked()) {
            instances.put(evicted.instanceId(), evicted.withMarker(false));
            commands.add(new PoolCommand.ClearBusy(evicted.name()));
        }
        evictions.add(now);
        if (evictions.size() > EVICTIONS_KEPT) {
            evictions.remove(0);
        }
        commands.add(new PoolCommand.RemoveStaleRunner(evicted.name()));
        return true;
    }

    /** The job on this instance is lost with it; it is over here, whatever GitHub reports of it later. */
    void lose(Instance instance, PoolCommand.LostReason reason) {
        lose(instance.jobId(), instance.repository(), instance.name(), reason);
    }

    /** A start read back from the store whose instance a newer listing does not show: lost with it. */
    void loseOrphan(String runnerName, PoolState.OrphanStart orphan) {
        forgetOrphanStart(runnerName);
        lose(orphan.jobId(), orphan.repository(), runnerName, PoolCommand.LostReason.VANISHED);
        commands.add(new PoolCommand.ClearBusy(runnerName));
    }

    private void lose(long jobId, String repository, String runnerName, PoolCommand.LostReason reason) {
        commands.add(new PoolCommand.JobLost(jobId, repository, runnerName, reason));
        if (jobId != 0) {
            recordEnded(jobId);
        }
    }

    // ---- the busy store, repaired by reconcile

    /** The store holds a marker that nothing here stands behind: it goes, with any start awaiting a listing. */
    void clearStaleMarker(String runnerName) {
        forgetOrphanStart(runnerName);
        commands.add(new PoolCommand.ClearBusy(runnerName));
    }

    /** The store holds a waiting job that no longer waits here. */
    void clearStaleQueued(long jobId) {
        commands.add(new PoolCommand.ForgetQueued(jobId));
    }

    /** The store lost a job that still waits here: write it again. */
    void restoreQueued(long jobId) {
        PoolState.QueuedJob q = queued.get(jobId);
        if (q != null) {
            commands.add(new PoolCommand.RememberQueued(jobId, q.repository(), q.since()));
        }
    }

    /** GitHub lists a runner of the pool's naming that no instance is behind. */
    void removeStaleRunner(String runnerName) {
        commands.add(new PoolCommand.RemoveStaleRunner(runnerName));
    }

    // ---- drains: the one place that starts and ends them

    /**
     * Drains the instance at GitHub if its lifecycle allows it. An unanswered earlier drain of it
     * is superseded (a re-imaged instance keeps its name, and a job may have landed during that
     * drain): its late answer must find nothing, or it would end this one.
     */
    boolean startDrain(Instance instance) {
        if (!move(instance, Phase.DRAINING)) {
            return false;
        }
        operations.removeIf(o -> o.kind() == Operation.Kind.DRAIN && o.instanceIds().contains(instance.instanceId()));
        startOperation(Operation.Kind.DRAIN, List.of(instance.instanceId()), 0);
        return true;
    }

    /**
     * Applies an answer only to the drain it belongs to; a late answer to an earlier drain finds
     * none. Removed: the instance is over. Refused: back to IDLE, or to PROVISIONING if it was
     * never configured here.
     */
    void drainAnswered(long drainId, boolean removed) {
        operations.stream().filter(o -> o.id() == drainId && o.kind() == Operation.Kind.DRAIN).findFirst().ifPresent(op -> {
            removeOperation(drainId);
            Instance i = instances.get(op.instanceIds().get(0));
            if (i != null && i.phase() == Phase.DRAINING) {
                move(i, removed ? Phase.FINISHED : i.configIssued() ? Phase.IDLE : Phase.PROVISIONING);
            }
        });
    }

    // ---- scale-set calls

    void reimage(List<String> instanceIds) {
        startOperation(Operation.Kind.REIMAGE, instanceIds, 0);
    }

    void delete(List<String> instanceIds) {
        startOperation(Operation.Kind.DELETE, instanceIds, 0);
    }

    /**
     * Asks for this capacity. An unanswered earlier change is superseded: the shell sends only
     * the latest, and its answer must find nothing.
     */
    void setCapacity(int target) {
        operations.removeIf(o -> o.kind() == Operation.Kind.SET_CAPACITY);
        startOperation(Operation.Kind.SET_CAPACITY, List.of(), target);
    }

    private Operation startOperation(Operation.Kind kind, List<String> instanceIds, int capacity) {
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

    /** The call was answered: it is no longer in flight. Returns it, or nothing for a repeated or unknown answer. */
    Optional<Operation> removeOperation(long id) {
        for (int i = 0; i < operations.size(); i++) {
            if (operations.get(i).id() == id) {
                return Optional.of(operations.remove(i));
            }
        }
        return Optional.empty();
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

    /**
     * Applies the listing of this id unless a newer one was applied already; returns whether to
     * apply it. The listing a capacity change waits for settles it.
     */
    boolean listingApplied(long listId) {
        if (listId < lastListApplied) {
            return false; // an older listing overtaken by a newer one
        }
        lastListApplied = listId;
        if (growthSettlesWith != 0 && listId >= growthSettlesWith) {
            growthSettlesWith = 0;
        }
        return true;
    }

    /** No further growth until the listing of this id (or a newer one) shows what the last change made. */
    void settleGrowthWith(long listId) {
        growthSettlesWith = listId;
    }

    // ---- outcomes of calls

    /** A call succeeded: the failure back-off starts over. */
    void resetFailures() {
        consecutiveFailures = 0;
    }

    /** A capacity change succeeded: any refusal back-off is over. */
    void growthAccepted() {
        growthRefusal = Optional.empty();
    }

    /**
     * Azure refused capacity: back off growth only (deletes and re-images go on), the pool's
     * refusal back-off after the first refusal, doubling to at most {@link PoolSpec#MAX_REFUSAL_BACKOFF}.
     * Quota and allocation refusals do not pass within seconds, and each PATCH spends a token that
     * re-images need.
     */
    void recordRefusal(String code, String reason) {
        int inARow = growthRefusal.map(r -> r.inARow() + 1).orElse(1);
        Duration doubled = spec.refusalBackoff().multipliedBy(1L << Math.min(inARow - 1, 20));
        Duration cap = spec.refusalBackoff().compareTo(PoolSpec.MAX_REFUSAL_BACKOFF) > 0
                ? spec.refusalBackoff() : PoolSpec.MAX_REFUSAL_BACKOFF;
        Duration backoff = doubled.compareTo(cap) > 0 ? cap : doubled;
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

    /** Runner names match without regard to case (as in {@link #byName}), orphan starts too. */
    private static String orphanKey(String runnerName) {
        return runnerName.toLowerCase(Locale.ROOT);
    }
}
