package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's runtime changes, as events to the pools' loops: each is checked here first (a
 * wrong request changes nothing), then decided by the engine, whose answer says what holds.
 */
final class PoolControls implements PoolAdmin {
    /** A scale set of the Uniform model holds at most 1,000 instances. */
    static final int MAX_INSTANCES = 1000;
    private static final Pattern INSTANCE_ID = Pattern.compile("[0-9]{1,10}");

    private final List<SpanningPool> pools;
    private final List<PoolLoop> loops;

    PoolControls(List<SpanningPool> pools, List<PoolLoop> loops) {
        this.pools = pools;
        this.loops = loops;
    }

    @Override
    public Uni<AdminOutcome> pause(String name, boolean paused) {
        Optional<List<PoolLoop>> targets = targets(name);
        if (targets.isEmpty()) {
            return done(notFound(name));
        }
        List<Uni<PoolState>> asks = targets.get().stream()
                .map(l -> l.ask(new PoolEvent.PauseSet(paused)).map(d -> d.state())).toList();
        return Uni.join().all(asks).andFailFast().map(states -> (AdminOutcome) new AdminOutcome.Done(
                name + (paused ? " paused: no new capacity; busy runners are untouched" : " resumed")))
                .onFailure().recoverWithItem(PoolControls::unavailable);
    }

    @Override
    public Uni<AdminOutcome> override(String name, Integer min, Integer max, Integer minIdle) {
        Optional<PoolLoop> loop = loops.stream().filter(l -> l.pool().name().equals(name)).findFirst();
        if (loop.isEmpty()) {
            Optional<SpanningPool> pool = pools.stream().filter(p -> p.name().equals(name)).findFirst();
            return done(pool.isEmpty() ? notFound(name) : new AdminOutcome.Invalid("pool " + name
                    + " spans several scale sets, each sized on its own: name one of them, e.g. "
                    + pool.get().members().get(0).pool().name()));
        }
        Optional<String> problem = problem(min, max, minIdle);
        if (problem.isPresent()) {
            return done(new AdminOutcome.Invalid(problem.get()));
        }
        boolean reset = min == null && max == null && minIdle == null;
        return loop.get().ask(new PoolEvent.OverridesSet(min, max, minIdle)).map(d -> (AdminOutcome) new AdminOutcome.Done(
                reset ? name + ": overrides reset; the configured sizing applies" : name + ": sizing now " + text(d.state().sizing())))
                .onFailure().recoverWithItem(PoolControls::unavailable);
    }

    private static String text(io.vmssrunnerscaler.engine.Sizing s) {
        return "min " + s.min() + ", min-idle " + s.minIdle() + ", max " + s.max() + ", free " + s.freePercent() + "%";
    }

    /** What is wrong with these overrides, if anything. */
    static Optional<String> problem(Integer min, Integer max, Integer minIdle) {
        if (min != null && (min < 0 || min > MAX_INSTANCES)) {
            return Optional.of("min must be between 0 and " + MAX_INSTANCES + ", got " + min);
        }
        if (max != null && (max < 1 || max > MAX_INSTANCES)) {
            return Optional.of("max must be between 1 and " + MAX_INSTANCES + ", got " + max);
        }
        if (minIdle != null && (minIdle < 0 || minIdle > MAX_INSTANCES)) {
            return Optional.of("minIdle must be between 0 and " + MAX_INSTANCES + ", got " + minIdle);
        }
        if (min != null && max != null && min > max) {
            return Optional.of("min (" + min + ") must not exceed max (" + max + ")");
        }
        return Optional.empty();
    }

    @Override
    public Uni<AdminOutcome> drain(String name, String instanceId) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            return done(new AdminOutcome.Invalid("an instance id is Azure's number of the instance in its scale set"));
        }
        Optional<List<PoolLoop>> targets = targets(name);
        if (targets.isEmpty()) {
            return done(notFound(name));
        }
        Optional<PoolLoop> loop = targets.get().stream().filter(l -> l.state().instances().containsKey(instanceId)).findFirst();
        if (loop.isEmpty()) {
            return done(new AdminOutcome.NotFound(name + " has no instance " + instanceId));
        }
        Optional<String> refusal = refusal(loop.get().state().instances().get(instanceId));
        if (refusal.isPresent()) {
            return done(refusal.get().isEmpty() ? new AdminOutcome.Done("instance " + instanceId + " is draining already")
                    : new AdminOutcome.Refused(refusal.get()));
        }
        return loop.get().ask(new PoolEvent.DrainRequested(instanceId)).map(d -> {
            Instance now = d.state().instances().get(instanceId);
            if (now != null && now.phase() == Phase.DRAINING) {
                return (AdminOutcome) new AdminOutcome.Done("instance " + instanceId + " (" + now.name()
                        + ") is draining: removed at GitHub, then recycled");
            }
            // It changed in between (a job landed on it): the engine left it alone.
            return new AdminOutcome.Refused(now == null ? "instance " + instanceId + " left the scale set"
                    : refusal(now).filter(r -> !r.isEmpty()).orElse("instance " + instanceId + " is " + phase(now)));
        }).onFailure().recoverWithItem(PoolControls::unavailable);
    }

    /** Why this instance may not be drained; empty text when it drains already; empty when it may. */
    private static Optional<String> refusal(Instance i) {
        if (i.phase().isBusy()) {
            return Optional.of("instance " + i.instanceId() + " (" + i.name() + ") is busy"
                    + (i.jobId() != 0 ? " with job " + i.jobId() : "") + ": a busy runner is never drained");
        }
        if (i.phase() == Phase.DRAINING) {
            return Optional.of("");
        }
        if (i.phase() != Phase.IDLE && i.phase() != Phase.PROVISIONING) {
            return Optional.of("instance " + i.instanceId() + " is " + phase(i) + ": already on its way out");
        }
        return Optional.empty();
    }

    private static String phase(Instance i) {
        return i.phase().name().toLowerCase(Locale.ROOT);
    }

    /** The loops a name stands for: every scale set of a pool, or the one named {@code <pool>@<scale set>}. */
    private Optional<List<PoolLoop>> targets(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst().map(SpanningPool::members)
                .or(() -> loops.stream().filter(l -> l.pool().name().equals(name)).findFirst().map(List::of));
    }

    private static AdminOutcome notFound(String name) {
        return new AdminOutcome.NotFound("no pool or scale set named " + name);
    }

    private static AdminOutcome unavailable(Throwable e) {
        return new AdminOutcome.Unavailable(e.getMessage());
    }

    private static Uni<AdminOutcome> done(AdminOutcome outcome) {
        return Uni.createFrom().item(outcome);
    }
}
