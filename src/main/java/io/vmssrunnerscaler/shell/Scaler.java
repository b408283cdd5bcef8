package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.intake.Intake;
import io.vmssrunnerscaler.pool.Pool;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The scaler's core, without a framework: one loop per pool and the intake in front of them. */
public final class Scaler {
    private final List<PoolLoop> loops;
    private final Intake intake;

    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners) {
        this.loops = pools.stream().map(p -> new PoolLoop(p, context, listeners.apply(p))).toList();
        this.intake = new Intake(loops, context.gitHub(), context.registrationTokens());
    }

    /** Learns each scale set's instances; the pools act once they know them. */
    public void start() {
        refresh();
    }

    /** Applies the time-based rules. */
    public void tick() {
        loops.forEach(l -> l.offer(new PoolEvent.Tick()));
    }

    /** Lists every scale set again. */
    public void refresh() {
        loops.forEach(l -> l.offer(new PoolEvent.RefreshRequested()));
    }

    public List<PoolLoop> loops() {
        return loops;
    }

    public Optional<PoolLoop> loop(String pool) {
        return loops.stream().filter(l -> l.pool().name().equals(pool)).findFirst();
    }

    public Intake intake() {
        return intake;
    }
}
