package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.pool.Pool;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/** The scaler's core, without a framework: one loop per pool and the intake in front of them. */
public final class Scaler implements PoolDirectory, PoolAdmin {
    private static final Logger LOG = Logger.getLogger(Scaler.class);
    private final List<PoolLoop> loops;
    private final List<SpanningPool> pools;
    private final Intake intake;
    private final ShellContext context;
    private final Reconciler reconciler;
    private final LostJobs lostJobs;
    private final JobJourneys journeys;
    private final PoolControls controls;
    private final UnservedDemand unserved;
    private volatile boolean busyRestored;

    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners) {
        this(pools, context, listeners, Reconciler.Settings.defaults());
    }

    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners,
            Reconciler.Settings reconcile) {
        this(pools, context, listeners, reconcile, ReconcileListener.NONE);
    }

    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners,
            Reconciler.Settings reconcile, ReconcileListener reconcileListener) {
        this(pools, context, listeners, reconcile, reconcileListener, LostJobs.Listener.NONE);
    }

    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners,
            Reconciler.Settings reconcile, ReconcileListener reconcileListener, LostJobs.Listener lostJobsListener) {
        this(pools, context, listeners, reconcile, reconcileListener, lostJobsListener, JourneyObserver.NONE);
    }

    /** @param journeyObserver told of every stage of every job, and of each job's journey once it is over */
    public Scaler(Collection<Pool> pools, ShellContext context, Function<Pool, PoolListener> listeners,
            Reconciler.Settings reconcile, ReconcileListener reconcileListener, LostJobs.Listener lostJobsListener,
            JourneyObserver journeyObserver) {
        this.context = context;
        this.lostJobs = new LostJobs(context.gitHub(), context.busyStore(), context.time(), lostJobsListener);
        this.journeys = new JobJourneys(context.time(), journeyObserver);
        this.loops = pools.stream()
                .map(p -> new PoolLoop(p, context, both(listeners.apply(p), journeys.listener(p)),
                        lost -> lostJobs.lost(p, lost))).toList();
        this.pools = SpanningPool.of(loops, context.time());
        this.unserved = new UnservedDemand(context.time(), pools);
        this.intake = new Intake(loops, this.pools, context.gitHub(), context.registrationTokens(), lostJobs, unserved);
        this.reconciler = new Reconciler(loops, context, reconcile, reconcileListener);
        this.controls = new PoolControls(this.pools, loops);
    }

    @Override
    public io.smallrye.mutiny.Uni<AdminOutcome> pause(String name, boolean paused) {
        return controls.pause(name, paused);
    }

    @Override
    public io.smallrye.mutiny.Uni<AdminOutcome> override(String name, Integer min, Integer max, Integer minIdle) {
        return controls.override(name, min, max, minIdle);
    }

    @Override
    public io.smallrye.mutiny.Uni<AdminOutcome> drain(String name, String instanceId) {
        return controls.drain(name, instanceId);
    }

    /**
     * Restores the busy runners from the busy store, then lists each scale set; the pools act once
     * they know both. Restored markers go in first, as job starts, so that a listing after a restart
     * finds those instances busy instead of fresh. While the store cannot be read, nothing is
     * listed, so nothing is decided: the store is tried again with back-off.
     */
    public void start() {
        restoreBusy(1);
    }

    @Override
    public boolean busyRestored() {
        return busyRestored;
    }

    private void restoreBusy(int attempt) {
        context.busyStore().loadAll().subscribe().with(stored -> {
            for (BusyMarker m : stored.busy()) {
                Optional<PoolLoop> loop = loop(m.pool());
                if (loop.isEmpty()) {
                    LOG.warnf("busy marker of runner %s names pool %s, which is not configured; ignored", m.runnerName(), m.pool());
                    continue;
                }
                loop.get().offer(new PoolEvent.BusyRestored(m.runnerName(), m.jobId(), m.repository()));
            }
            for (LostMarker l : stored.lost()) {
                loop(l.pool()).ifPresentOrElse(loop -> lostJobs.restored(loop.pool(), l),
                        () -> LOG.warnf("lost job %s names pool %s, which is not configured; ignored", l.subject(), l.pool()));
            }
            for (QueuedMarker q : stored.queued()) {
                loop(q.pool()).ifPresentOrElse(
                        l -> l.offer(new PoolEvent.JobQueued(q.jobId(), q.repository(), q.since())),
                        () -> LOG.warnf("waiting job %d names pool %s, which is not configured; ignored", q.jobId(), q.pool()));
            }
            LOG.infof("busy store: %d busy runner(s), %d waiting job(s) and %d lost job(s) restored",
                    stored.busy().size(), stored.queued().size(), stored.lost().size());
            busyRestored = true;
            refresh();
        }, failure -> {
            Duration wait = Duration.ofSeconds(Math.min(60, 1L << Math.min(6, attempt)));
            LOG.warnf("busy store could not be read (%s); trying again in %s", failure.toString(), wait);
            context.time().schedule(wait, () -> restoreBusy(attempt + 1));
        });
    }

    /** Stops every pool loop (shutdown): nothing more is decided or sent. */
    public void stop() {
        loops.forEach(PoolLoop::stop);
    }

    /** Applies the time-based rules. */
    public void tick() {
        loops.forEach(l -> l.offer(new PoolEvent.Tick()));
        pools.stream().filter(p -> p.members().size() > 1).forEach(SpanningPool::rebalance);
    }

    @Override
    public List<SpanningPool> pools() {
        return pools;
    }

    /**
     * Heals drift: lists every scale set, reads the busy store, lists GitHub's runners and looks up
     * jobs that have waited too long; the engine decides the repairs.
     */
    public void reconcile() {
        if (busyRestored) {
            reconciler.run();
            lostJobs.checkAll();
        }
    }

    /** Lists every scale set again. */
    public void refresh() {
        loops.forEach(l -> l.offer(new PoolEvent.RefreshRequested()));
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    @Override
    public List<PoolLoop> loops() {
        return loops;
    }

    @Override
    public Optional<PoolLoop> loop(String pool) {
        return loops.stream().filter(l -> l.pool().name().equals(pool)).findFirst();
    }

    @Override
    public Optional<Reconciler.GitHubStatus> gitHubStatus() {
        return reconciler.gitHubStatus();
    }

    @Override
    public List<LostJobs.LostJob> lostJobs(String loop) {
        return lostJobs.of(loop);
    }

    @Override
    public Optional<String> busyStoreProblem() {
        return context.busyStore().problem();
    }

    private static PoolListener both(PoolListener first, PoolListener second) {
        return (before, event, decision) -> {
            first.decided(before, event, decision);
            second.decided(before, event, decision);
        };
    }

    @Override
    public List<WaitingJob> waitingJobs(String loop) {
        return loop(loop).map(l -> WaitingJobs.of(l, journeys, context.time().now())).orElse(List.of());
    }

    @Override
    public Optional<Convergence> convergence(String loop) {
        return loop(loop).flatMap(l -> Convergence.of(l, context.time().now()));
    }

    @Override
    public List<UnservedDemand.LabelSet> unservedDemand() {
        return unserved.labelSets();
    }

    @Override
    public JobJourneys.PoolLatency latency(String pool) {
        return journeys.latency(pool);
    }

    /** Each job's way from GitHub to its instance's recycling. */
    public JobJourneys journeys() {
        return journeys;
    }

    /** Jobs lost with their runners, and what became of them. */
    public LostJobs lostJobs() {
        return lostJobs;
    }

    public Intake intake() {
        return intake;
    }
}
