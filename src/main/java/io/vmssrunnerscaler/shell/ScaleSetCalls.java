package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.CallAllowance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.CapacityRefusal;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Executes a pool's scale-set calls within the scale set's call budget. Re-images, deletes and
 * capacity changes wait here until their bucket has a token and then go out as one call carrying
 * everything pending at that moment: one re-image or delete with every instance id gathered, one
 * capacity PATCH to the latest wanted size. A call never queues behind another call of its kind:
 * Azure allows about four calls a minute per scale set and bucket, so a line of small calls would
 * grow without bound under load, while one call per token keeps up with any rate.
 *
 * <p>Kinds that share a bucket (capacity and re-image both spend Update VMSS) take turns: the kind
 * that has waited longest goes first. A capacity change the engine raised while an earlier PATCH
 * still runs goes out at the next token too: Azure holds a capacity PATCH until its new VMs are
 * provisioned (a minute or more), and a burst must not wait for that; the newer, larger PATCH
 * supersedes the running one (Azure ends it {@code OperationPreempted}), whose answer the engine
 * no longer looks for. The adapter sends a PATCH only once the previous one was accepted, so they
 * reach Azure in order. Listings go out at once. The outcome of a call is reported for every
 * operation that went into it. Only touched from the pool's loop.
 */
final class ScaleSetCalls {
    private static final Logger LOG = Logger.getLogger(ScaleSetCalls.class);
    private static final List<Operation.Kind> HELD = List.of(Operation.Kind.SET_CAPACITY, Operation.Kind.REIMAGE,
            Operation.Kind.DELETE);

    private final Pool pool;
    private final ShellContext context;
    private final Consumer<PoolEvent> results;
    private final Runnable requestFlush;
    private final Map<Operation.Kind, List<Operation>> pending = new EnumMap<>(Operation.Kind.class);
    private final Map<Operation.Kind, Instant> waitingSince = new EnumMap<>(Operation.Kind.class);
    private long latestCapacity; // operation id of the capacity PATCH sent last; earlier ones are superseded
    private Instant flushAt; // the earliest flush asked for and not run yet
    /** Since when a capacity change waits for the budget; null when none does. Read from any thread. */
    private volatile Instant capacityHeldSince;

    ScaleSetCalls(Pool pool, ShellContext context, Consumer<PoolEvent> results, Runnable requestFlush) {
        this.pool = pool;
        this.context = context;
        this.results = results;
        this.requestFlush = requestFlush;
        HELD.forEach(k -> pending.put(k, new ArrayList<>()));
    }

    void submit(PoolCommand.ScaleSetCall call) {
        Operation op = call.operation();
        switch (op.kind()) {
            case LIST -> port().list(ref()).subscribe().with(
                    instances -> results.accept(new PoolEvent.InstancesObserved(op.id(), instances)),
                    e -> fail(List.of(op), e));
            case SET_CAPACITY -> {
                // The engine has given up on an unsent change when it asks for a larger one.
                pending.get(Operation.Kind.SET_CAPACITY).clear();
                hold(op);
            }
            case REIMAGE, DELETE -> hold(op);
            case DRAIN -> throw new IllegalArgumentException("a drain is not a scale-set call: " + op);
        }
    }

    /** Since when a capacity change waits for the scale set's budget, if one does. Safe from any thread. */
    java.util.Optional<Instant> capacityHeldSince() {
        return java.util.Optional.ofNullable(capacityHeldSince);
    }

    /** Calls held for budget (or the batch window) now, for status and tests. */
    int held(Operation.Kind kind) {
        return pending.getOrDefault(kind, List.of()).size();
    }

    /**
     * Re-images and deletes wait one batch window to gather ids; a capacity change goes at the next
     * flush, since the engine already folds later growth into it and every second of it delays a boot.
     */
    private void hold(Operation op) {
        pending.get(op.kind()).add(op);
        waitingSince.putIfAbsent(op.kind(), now());
        if (op.kind() == Operation.Kind.SET_CAPACITY && capacityHeldSince == null) {
            capacityHeldSince = now();
        }
        flushAt(op.kind() == Operation.Kind.SET_CAPACITY ? now() : now().plus(context.batchWindow()));
    }

    /**
     * Sends what the budget allows, longest-waiting kind first, and asks to be run again when the
     * next token of a kind still held is free.
     */
    void flush() {
        flushAt = null;
        Instant now = now();
        Map<String, CallAllowance> spent = new HashMap<>(); // bucket -> what this flush left of it
        Instant next = null;
        List<Operation.Kind> kinds = HELD.stream().filter(k -> !pending.get(k).isEmpty())
                .sorted(Comparator.comparing(waitingSince::get)).toList();
        for (Operation.Kind kind : kinds) {
            CallAllowance fresh = port().allowance(ref(), kind);
            CallAllowance allowance = spent.getOrDefault(fresh.bucket(), fresh);
            if (allowance.allowsNow()) {
                send(kind);
                spent.put(allowance.bucket(), allowance.spendOne());
            } else {
                // A token this flush spent is not the budget's news yet: look again after a window.
                Instant at = allowance.nextToken().isAfter(now) ? allowance.nextToken() : now.plus(context.batchWindow());
                next = next == null || at.isBefore(next) ? at : next;
            }
        }
        if (next != null) {
            flushAt(next);
        }
    }

    private void send(Operation.Kind kind) {
        List<Operation> batch = List.copyOf(pending.get(kind));
        pending.get(kind).clear();
        waitingSince.remove(kind);
        if (kind == Operation.Kind.SET_CAPACITY) {
            capacityHeldSince = null;
        }
        switch (kind) {
            case SET_CAPACITY -> {
                Operation latest = batch.get(batch.size() - 1);
                latestCapacity = latest.id();
                report(List.of(latest), port().setCapacity(ref(), latest.capacity()));
            }
            case REIMAGE -> call(batch, ids -> port().reimage(ref(), ids));
            case DELETE -> call(batch, ids -> port().delete(ref(), ids));
            case LIST, DRAIN -> throw new IllegalStateException("never held: " + kind);
        }
    }

    private void call(List<Operation> batch, Function<List<String>, Uni<Void>> invoke) {
        List<String> ids = batch.stream().flatMap(o -> o.instanceIds().stream()).distinct()
                .sorted(Operation.INSTANCE_ID_ORDER).toList();
        report(batch, invoke.apply(ids));
    }

    private void flushAt(Instant at) {
        if (flushAt != null && !at.isBefore(flushAt)) {
            return;
        }
        flushAt = at;
        Duration delay = Duration.between(now(), at);
        context.time().schedule(delay.isNegative() ? Duration.ZERO : delay, requestFlush);
    }

    private void report(List<Operation> batch, Uni<Void> call) {
        call.subscribe().with(
                ok -> batch.forEach(op -> results.accept(new PoolEvent.OperationSucceeded(op.id()))),
                e -> fail(batch, e));
    }

    private void fail(List<Operation> batch, Throwable e) {
        if (e instanceof CapacityRefusal refusal && batch.get(0).kind() == Operation.Kind.SET_CAPACITY) {
            LOG.warnf("pool %s: scale set %s refused capacity (%s): %s; growth there backs off", pool.name(),
                    ref().name(), refusal.refusalCode(), refusal.refusalReason());
            batch.forEach(op -> results.accept(new PoolEvent.CapacityRefused(op.id(), refusal.refusalCode(),
                    refusal.refusalReason())));
            return;
        }
        String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (batch.get(0).kind() == Operation.Kind.SET_CAPACITY && batch.get(0).id() != latestCapacity) {
            // a superseded PATCH: Azure ends it when the newer one starts; nothing waits for its answer
            LOG.debugf("pool %s: superseded capacity change on scale set %s ended: %s", pool.name(), ref().name(), reason);
            batch.forEach(op -> results.accept(new PoolEvent.OperationFailed(op.id(), reason)));
            return;
        }
        LOG.warnf("pool %s: %s on scale set %s failed: %s", pool.name(), batch.get(0).kind(), ref().name(), reason);
        batch.forEach(op -> results.accept(new PoolEvent.OperationFailed(op.id(), reason)));
    }

    private ScaleSetPort port() {
        return context.scaleSet();
    }

    private ScaleSetRef ref() {
        return pool.scaleSet();
    }

    private Instant now() {
        return context.time().now();
    }
}
