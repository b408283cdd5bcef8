package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.ScalingEngine;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One pool's event loop: events are fed to the engine one at a time on a serialized Mutiny
 * stream (no locks around shared state), and the resulting commands go to the ports. Results come
 * back as events on the same stream. Nothing here blocks.
 */
public final class PoolLoop {
    private static final Logger LOG = Logger.getLogger(PoolLoop.class);

    /** What travels on the loop's stream. */
    sealed interface Message {
        /** An event; {@code reply} is the caller of {@link #ask} waiting for the decision, null for one offered. */
        record Event(PoolEvent event, UniEmitter<? super Decision> reply) implements Message {}

        record FlushCalls() implements Message {}
    }

    /** The engine as the loop calls it; a seam for tests that need an engine that fails. */
    @FunctionalInterface
    interface Engine {
        Decision decide(PoolState state, PoolEvent event, Instant now);
    }

    private final Pool pool;
    private final Engine engine;
    private final TimeSource time;
    private final BusyStore busyStore;
    private final GitHubPort gitHub;
    private final PoolListener listener;
    private final java.util.function.Consumer<PoolCommand.JobLost> lostJobs;
    private final int inboxLimit;
    private final ScaleSetCalls calls;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong storeWriteFailures = new AtomicLong();
    private final SerializedProcessor<Message, Message> inbox;
    private final SerializedProcessor<PoolCommand, PoolCommand> busyWrites;
    private volatile PoolState state;
    private volatile boolean stopped;

    /**
     * @param lostJobs told of every job the engine finds lost with its runner (it records and
     *     follows them up)
     */
    public PoolLoop(Pool pool, ShellContext context, PoolListener listener,
            java.util.function.Consumer<PoolCommand.JobLost> lostJobs) {
        this(pool, context, listener, lostJobs, new ScalingEngine()::decide);
    }

    PoolLoop(Pool pool, ShellContext context, PoolListener listener,
            java.util.function.Consumer<PoolCommand.JobLost> lostJobs, Engine engine) {
        this.pool = pool;
        this.engine = engine;
        this.lostJobs = lostJobs;
        this.time = context.time();
        this.busyStore = context.busyStore();
        this.gitHub = context.gitHub();
        this.listener = listener;
        this.inboxLimit = context.inboxLimit();
        this.state = PoolState.empty(pool.spec());
        this.calls = new ScaleSetCalls(pool, context, this::offerResult, () -> send(new Message.FlushCalls()));
        UnicastProcessor<Message> messages = UnicastProcessor.create();
        messages.emitOn(context.loopExecutor())
                .subscribe().with(this::handle, e -> LOG.errorf(e, "pool %s: event loop stopped", pool.name()));
        this.inbox = messages.serialized();
        // Busy-store writes for one pool are applied in the order decided, one at a time.
        UnicastProcessor<PoolCommand> writes = UnicastProcessor.create();
        writes.onItem().transformToUniAndConcatenate(this::writeBusy).subscribe().with(ignored -> { });
        this.busyWrites = writes.serialized();
    }

    public Pool pool() {
        return pool;
    }

    /** The latest state; a consistent snapshot, safe to read from any thread. */
    public PoolState state() {
        return state;
    }

    /** Queues an event; false when the pool's inbox is full (the caller should answer 503). */
    public boolean offer(PoolEvent event) {
        if (waiting.incrementAndGet() > inboxLimit) {
            waiting.decrementAndGet();
            return false;
        }
        send(new Message.Event(event, null));
        return true;
    }

    /**
     * Queues an event and completes with the decision it led to. Always completes: it fails with
     * {@link InboxFullException} when the inbox is full, {@link EngineFailedException} when the
     * engine could not decide, and {@link PoolStoppedException} once the loop has stopped.
     */
    public Uni<Decision> ask(PoolEvent event) {
        return Uni.createFrom().emitter(emitter -> {
            if (waiting.incrementAndGet() > inboxLimit) {
                waiting.decrementAndGet();
                emitter.fail(new InboxFullException(pool.name()));
                return;
            }
            send(new Message.Event(event, emitter));
        });
    }

    /** Results of our own calls must never be dropped, whatever the inbox holds. */
    private void offerResult(PoolEvent event) {
        waiting.incrementAndGet();
        send(new Message.Event(event, null));
    }

    /**
     * A stopped loop decides nothing more, so whatever still arrives (a late answer, a delivery) is
     * dropped here: at shutdown the executor that would run the loop may already be gone.
     */
    private void send(Message message) {
        if (stopped) {
            refuse(message);
            return;
        }
        inbox.onNext(message);
    }

    /** A caller waiting on a dropped event learns so at once instead of at its own timeout. */
    private void refuse(Message message) {
        if (message instanceof Message.Event m && m.reply() != null) {
            m.reply().fail(new PoolStoppedException(pool.name()));
        }
    }

    /**
     * Stops deciding: events and the answers to calls in flight are dropped from now on, as they
     * would be by a process that exits. The state is kept for reading.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * Decides one event. Whatever fails here is logged and kept from the stream: an exception
     * escaping would end the subscription, and with it the pool. A caller of {@link #ask} always
     * gets an answer.
     */
    private void handle(Message message) {
        if (stopped) {
            refuse(message);
            return;
        }
        if (message instanceof Message.FlushCalls) {
            calls.flush();
            return;
        }
        Message.Event m = (Message.Event) message;
        waiting.decrementAndGet();
        // Every line logged while deciding carries the pool as a field of the JSON log.
        MDC.put("pool", pool.name());
        try {
            decide(m);
        } finally {
            MDC.remove("pool");
        }
    }

    private void decide(Message.Event m) {
        PoolState before = state;
        Decision decision;
        try {
            decision = engine.decide(before, m.event(), time.now());
        } catch (RuntimeException e) {
            // A bug in a rule must not stop the pool: keep the old state and say so loudly, once.
            LOG.errorf(e, "pool %s: engine failed on %s; state kept", pool.name(), m.event());
            if (m.reply() != null) {
                m.reply().fail(new EngineFailedException(pool.name(), m.event(), e));
            }
            return;
        }
        state = decision.state();
        try {
            listener.decided(before, m.event(), decision);
        } catch (RuntimeException e) {
            LOG.errorf(e, "pool %s: listener failed on %s", pool.name(), m.event());
        }
        for (PoolCommand command : decision.commands()) {
            try {
                execute(command);
            } catch (RuntimeException e) {
                // The state already counts on it; reconcile and the time-based rules repair what it missed.
                LOG.errorf(e, "pool %s: could not execute %s", pool.name(), command);
            }
        }
        if (m.reply() != null) {
            m.reply().complete(decision);
        }
    }

    /** Hands one command to its port. Package-private so that a test can show every kind is handled. */
    void execute(PoolCommand command) {
        if (command instanceof PoolCommand.ScaleSetCall call) {
            calls.submit(call);
        } else if (command instanceof PoolCommand.MarkBusy || command instanceof PoolCommand.ClearBusy
                || command instanceof PoolCommand.RememberQueued || command instanceof PoolCommand.ForgetQueued) {
            busyWrites.onNext(command);
        } else if (command instanceof PoolCommand.RemoveRunner r) {
            removeRunner(r.runnerName(), r.drainId());
        } else if (command instanceof PoolCommand.RemoveStaleRunner r) {
            removeStaleRunner(r.runnerName());
        } else if (command instanceof PoolCommand.JobLost lost) {
            lostJobs.accept(lost);
        } else if (command instanceof PoolCommand.GrantRunnerConfig || command instanceof PoolCommand.RejectRunnerConfig) {
            // Nothing to do here: they answer ask(), whose caller reads them from the decision and
            // hands out (or refuses) the configuration itself.
        } else {
            // Java 17 has no exhaustive switch over a sealed type: a new command must not pass unseen.
            throw new IllegalArgumentException("unhandled command " + command);
        }
    }

    private void removeRunner(String runnerName, long drainId) {
        gitHub.removeRunner(pool.scope(), runnerName).subscribe().with(
                ok -> offerResult(new PoolEvent.RunnerRemoved(runnerName, drainId)),
                e -> offerResult(new PoolEvent.RunnerRemovalRefused(runnerName, drainId, String.valueOf(e.getMessage()))));
    }

    private void removeStaleRunner(String runnerName) {
        gitHub.removeRunner(pool.scope(), runnerName).subscribe().with(
                ok -> LOG.infof("pool %s: removed runner %s at GitHub: no instance is (or stays) behind it", pool.name(),
                        runnerName),
                e -> LOG.warnf("pool %s: could not remove runner %s (%s); the next reconcile tries once it is offline",
                        pool.name(), runnerName, e.toString()));
    }

    private Uni<Void> writeBusy(PoolCommand command) {
        Uni<Void> write;
        if (command instanceof PoolCommand.MarkBusy m) {
            write = busyStore.markBusy(new BusyMarker(pool.name(), m.runnerName(), m.instanceId(), m.jobId(),
                    m.repository(), m.since()));
        } else if (command instanceof PoolCommand.ClearBusy c) {
            write = busyStore.clearBusy(pool.name(), c.runnerName());
        } else if (command instanceof PoolCommand.RememberQueued q) {
            write = busyStore.markQueued(new QueuedMarker(pool.name(), q.jobId(), q.repository(), q.since()));
        } else if (command instanceof PoolCommand.ForgetQueued f) {
            write = busyStore.clearQueued(pool.name(), f.jobId());
        } else {
            // Only execute() routes commands here. A failed write, not a thrown exception, which
            // would end the stream of writes for good.
            write = Uni.createFrom().failure(new IllegalArgumentException("unhandled command " + command));
        }
        return write.onFailure().recoverWithUni(e -> {
            storeWriteFailures.incrementAndGet();
            LOG.warnf("pool %s: store write failed (%s); the reconcile loop repairs it", pool.name(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** Since when a capacity change waits for the scale set's Azure budget, if one does. Safe from any thread. */
    public java.util.Optional<Instant> capacityHeldSince() {
        return calls.capacityHeldSince();
    }

    /** Store writes that failed since start; the reconcile loop repairs what they missed. */
    public long storeWriteFailures() {
        return storeWriteFailures.get();
    }

    /** Thrown by {@link #ask} when the pool cannot take more events now. */
    public static final class InboxFullException extends RuntimeException {
        public InboxFullException(String pool) {
            super("pool " + pool + " has too many events waiting; try again later");
        }
    }

    /** Thrown by {@link #ask} when the engine failed on the event; the pool's state is unchanged. */
    public static final class EngineFailedException extends RuntimeException {
        public EngineFailedException(String pool, PoolEvent event, Throwable cause) {
            super("pool " + pool + " could not decide " + event.getClass().getSimpleName()
                    + "; its state is unchanged, try again later", cause);
        }
    }

    /** Thrown by {@link #ask} once the loop has stopped (the process is shutting down). */
    public static final class PoolStoppedException extends RuntimeException {
        public PoolStoppedException(String pool) {
            super("pool " + pool + " has stopped deciding; try again later");
        }
    }
}
