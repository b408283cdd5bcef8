package io.vmssrunnerscaler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Events in, effects out: feeds one pool's events to the engine on a virtual clock and keeps the
 * state and the commands of the last decision.
 */
final class Scenario {
    private final ScalingEngine engine = new ScalingEngine();
    private PoolState state;
    private Instant now = Pools.T0;
    private Decision last;

    private Scenario(PoolState state) {
        this.state = state;
    }

    /** A pool that has not been listed yet. */
    static Scenario empty(PoolSpec spec) {
        return new Scenario(PoolState.empty(spec));
    }

    /** A pool in exactly this state. */
    /** The state without the clock it was decided at: what "changes nothing" compares. */
    static PoolState timeless(PoolState s) {
        return new PoolState(s.spec(), s.instances(), s.queued(), s.endedJobs(), s.orphanStarts(), s.operations(),
                s.nextOperationId(), s.lastListApplied(), s.growthSettlesWith(), s.consecutiveFailures(), s.backoffUntil(),
                s.lastFailure(), s.growthRefusal(), s.evictions(), s.preferredElsewhere(), s.arrivals(), Instant.EPOCH,
                s.control());
    }

    static Scenario of(PoolState state) {
        return new Scenario(state);
    }

    /** A pool whose last listing showed these instances. */
    static Scenario with(PoolSpec spec, Instance... instances) {
        return withQueued(spec, List.of(), instances);
    }

    /** A pool with these instances and these jobs queued at {@link Pools#T0}. */
    static Scenario withQueued(PoolSpec spec, List<Long> queuedJobs, Instance... instances) {
        TreeMap<String, Instance> byId = new TreeMap<>();
        Arrays.stream(instances).forEach(i -> byId.put(i.instanceId(), i));
        Map<Long, PoolState.QueuedJob> queued = new LinkedHashMap<>();
        queuedJobs.forEach(j -> queued.put(j, new PoolState.QueuedJob(Pools.T0, "octo-org/app")));
        // Listed once (operation 1), so that the engine knows the scale set's size.
        return new Scenario(new PoolState(spec, byId, queued, Map.of(), Map.of(), List.of(), 2, 1, 0, 0,
                Instant.EPOCH, Optional.empty(), Optional.empty()));
    }

    // ---- the clock

    /** Sets the clock to {@code T0 + sinceT0}; time never runs backwards. */
    Scenario at(Duration sinceT0) {
        Instant to = Pools.T0.plus(sinceT0);
        assertTrue(!to.isBefore(now), "the clock does not run backwards");
        now = to;
        return this;
    }

    Scenario after(Duration d) {
        now = now.plus(d);
        return this;
    }

    // ---- events

    Scenario on(PoolEvent event) {
        last = engine.decide(state, event, now);
        state = last.state();
        return this;
    }

    Scenario tick() {
        return on(new PoolEvent.Tick());
    }

    Scenario tickAt(Duration sinceT0) {
        return at(sinceT0).tick();
    }

    Scenario queued(long... jobIds) {
        for (long j : jobIds) {
            on(new PoolEvent.JobQueued(j));
        }
        return this;
    }

    Scenario started(long jobId, String runnerName) {
        return on(new PoolEvent.JobStarted(jobId, runnerName));
    }

    Scenario completed(long jobId, String runnerName) {
        return on(new PoolEvent.JobCompleted(jobId, runnerName));
    }

    Scenario runnerStarted(String runnerName) {
        return on(new PoolEvent.RunnerJobStarted(runnerName));
    }

    Scenario finishing(String runnerName) {
        return on(new PoolEvent.RunnerJobFinishing(runnerName));
    }

    /**
     * A reconcile's GitHub listing, asked for now, shows this runner offline with no job, and the
     * pool's other configured runners as the pool believes them (online, busy when their instance
     * is): the one way the engine learns that a runner went away without its webhook.
     */
    Scenario offline(String runnerName) {
        List<ObservedRunner> runners = new ArrayList<>();
        runners.add(new ObservedRunner(runnerName, false, false, true));
        state.instances().values().stream()
                .filter(i -> !i.name().equalsIgnoreCase(runnerName))
                .filter(i -> i.phase() == Phase.IDLE || i.phase().isBusy())
                .forEach(i -> runners.add(new ObservedRunner(i.name(), true, i.phase().isBusy(), true)));
        return on(new PoolEvent.RunnersObserved(now, runners));
    }

    Scenario configRequested(String runnerName) {
        return on(new PoolEvent.RunnerConfigRequested(runnerName));
    }

    Scenario configFailed(String runnerName) {
        return on(new PoolEvent.RunnerConfigFailed(runnerName));
    }

    /** GitHub removed the drained runner (answering its current drain). */
    Scenario removed(String runnerName) {
        return on(new PoolEvent.RunnerRemoved(runnerName, drainId(runnerName)));
    }

    /** GitHub would not remove the runner (answering its current drain). */
    Scenario removalRefused(String runnerName) {
        return on(new PoolEvent.RunnerRemovalRefused(runnerName, drainId(runnerName), "runner is busy"));
    }

    /** The drain in flight for this runner's instance; -1 (answering nothing) when there is none. */
    long drainId(String runnerName) {
        return state.byName(runnerName).flatMap(i -> state.operations().stream()
                        .filter(o -> o.kind() == Operation.Kind.DRAIN && o.instanceIds().contains(i.instanceId()))
                        .map(Operation::id).findFirst())
                .orElse(-1L);
    }

    /** GitHub removed the runners of the instances the last decision drained, in that order. */
    Scenario drainedRemoved() {
        List<String> names = drained().stream().map(Pools::name).toList();
        names.forEach(this::removed);
        return this;
    }

    Scenario refresh() {
        return on(new PoolEvent.RefreshRequested());
    }

    /** The single in-flight call of this kind succeeds. */
    Scenario succeed(Operation.Kind kind) {
        return on(new PoolEvent.OperationSucceeded(op(kind).id()));
    }

    /** The single in-flight call of this kind fails for good. */
    Scenario fail(Operation.Kind kind) {
        return on(new PoolEvent.OperationFailed(op(kind).id(), "boom"));
    }

    /** Azure refuses the capacity the single in-flight capacity change asked for. */
    Scenario refuse(String code) {
        return on(new PoolEvent.CapacityRefused(op(Operation.Kind.SET_CAPACITY).id(), code, "no capacity"));
    }

    /** The newest in-flight listing returns these instances. */
    Scenario listedWith(ObservedInstance... instances) {
        long id = state.operations().stream().filter(o -> o.kind() == Operation.Kind.LIST)
                .mapToLong(Operation::id).max().orElseThrow(() -> new AssertionError("no listing in flight"));
        return observed(id, instances);
    }

    /** The newest in-flight listing returns these instances, all healthy. */
    Scenario listed(String... instanceIds) {
        return listedWith(Arrays.stream(instanceIds).map(Pools::ok).toArray(ObservedInstance[]::new));
    }

    Scenario observed(long operationId, ObservedInstance... instances) {
        return on(new PoolEvent.InstancesObserved(operationId, List.of(instances)));
    }

    // ---- what happened

    PoolState state() {
        return state;
    }

    Instant now() {
        return now;
    }

    List<PoolCommand> commands() {
        return last.commands();
    }

    <T extends PoolCommand> List<T> commands(Class<T> type) {
        return last.commands().stream().filter(type::isInstance).map(type::cast).toList();
    }

    Instance instance(String id) {
        Instance i = state.instances().get(id);
        if (i == null) {
            throw new AssertionError("no instance " + id + " in " + state.instances().keySet());
        }
        return i;
    }

    Phase phase(String id) {
        return instance(id).phase();
    }

    /** The single in-flight call of this kind. */
    Operation op(Operation.Kind kind) {
        List<Operation> ops = inFlight(kind);
        assertEquals(1, ops.size(), () -> "in flight: " + state.operations());
        return ops.get(0);
    }

    List<Operation> inFlight(Operation.Kind kind) {
        return state.operations().stream().filter(o -> o.kind() == kind).toList();
    }

    /** Instance ids re-imaged by the last decision. */
    List<String> reimaged() {
        return commands(PoolCommand.ReimageInstances.class).stream()
                .flatMap(c -> c.operation().instanceIds().stream()).toList();
    }

    /** Instance ids deleted by the last decision. */
    List<String> deleted() {
        return commands(PoolCommand.DeleteInstances.class).stream()
                .flatMap(c -> c.operation().instanceIds().stream()).toList();
    }

    /** Instance ids whose runners the last decision asked GitHub to remove, in the order asked. */
    List<String> drained() {
        return commands(PoolCommand.RemoveRunner.class).stream()
                .map(c -> c.runnerName().substring(Pools.name("").length())).toList();
    }

    /** The capacity the last decision asked for, if it asked. */
    Optional<Integer> capacity() {
        List<PoolCommand.SetCapacity> set = commands(PoolCommand.SetCapacity.class);
        assertTrue(set.size() <= 1, () -> "one capacity change per decision: " + set);
        return set.stream().map(c -> c.operation().capacity()).findFirst();
    }

    boolean listRequested() {
        return !commands(PoolCommand.ListInstances.class).isEmpty();
    }
}
