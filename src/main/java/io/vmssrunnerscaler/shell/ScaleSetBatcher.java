package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Executes a pool's scale-set calls. Re-images and deletes decided within the batch window become
 * one call each (Azure allows about four such calls a minute per scale set); their outcome is
 * reported for every operation that went into the call. Only touched from the pool's loop.
 */
final class ScaleSetBatcher {
    private static final Logger LOG = Logger.getLogger(ScaleSetBatcher.class);

    private final Pool pool;
    private final ShellContext context;
    private final Consumer<PoolEvent> results;
    private final Runnable requestFlush;
    private final List<Operation> reimages = new ArrayList<>();
    private final List<Operation> deletes = new ArrayList<>();
    private boolean flushScheduled;

    ScaleSetBatcher(Pool pool, ShellContext context, Consumer<PoolEvent> results, Runnable requestFlush) {
        this.pool = pool;
        this.context = context;
        this.results = results;
        this.requestFlush = requestFlush;
    }

    void submit(PoolCommand.ScaleSetCall call) {
        Operation op = call.operation();
        ScaleSetPort port = context.scaleSet();
        switch (op.kind()) {
            case LIST -> port.list(pool.scaleSet()).subscribe().with(
                    instances -> results.accept(new PoolEvent.InstancesObserved(op.id(), instances)),
                    e -> fail(List.of(op), e));
            case SET_CAPACITY -> report(List.of(op), port.setCapacity(pool.scaleSet(), op.capacity()));
            case REIMAGE -> enqueue(reimages, op);
            case DELETE -> enqueue(deletes, op);
        }
    }

    private void enqueue(List<Operation> pending, Operation op) {
        pending.add(op);
        if (!flushScheduled) {
            flushScheduled = true;
            context.time().schedule(context.batchWindow(), requestFlush);
        }
    }

    void flush() {
        flushScheduled = false;
        call(reimages, ids -> context.scaleSet().reimage(pool.scaleSet(), ids));
        call(deletes, ids -> context.scaleSet().delete(pool.scaleSet(), ids));
    }

    private void call(List<Operation> pending, java.util.function.Function<List<String>, Uni<Void>> invoke) {
        if (pending.isEmpty()) {
            return;
        }
        List<Operation> batch = List.copyOf(pending);
        pending.clear();
        List<String> ids = batch.stream().flatMap(o -> o.instanceIds().stream()).distinct().sorted(Operation.INSTANCE_ID_ORDER).toList();
        report(batch, invoke.apply(ids));
    }

    private void report(List<Operation> batch, Uni<Void> call) {
        call.subscribe().with(
                ok -> batch.forEach(op -> results.accept(new PoolEvent.OperationSucceeded(op.id()))),
                e -> fail(batch, e));
    }

    private void fail(List<Operation> batch, Throwable e) {
        String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        LOG.warnf("pool %s: %s on scale set %s failed: %s", pool.name(), batch.get(0).kind(), pool.scaleSet().name(), reason);
        batch.forEach(op -> results.accept(new PoolEvent.OperationFailed(op.id(), reason)));
    }
}
