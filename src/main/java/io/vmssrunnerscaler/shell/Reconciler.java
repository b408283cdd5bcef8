package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.busy.StoredMarkers;
import io.vmssrunnerscaler.engine.ObservedRunner;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One reconcile pass turns what Azure, the busy store and GitHub report into engine events: a
 * listing of each scale set, the store's markers, GitHub's runners, and look-ups of jobs that
 * have waited suspiciously long. The engine decides the repairs; this only gathers. Each source
 * that fails is skipped until the next pass, so one outage never blocks the others.
 */
public final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** @param jobCheckAge a queued job this old is looked up; and at most once per this period */
    /** The outcome of the latest listing of GitHub's runners; {@code problem} is empty when it worked. */
    public record GitHubStatus(Instant at, Optional<String> problem) {}

    public record Settings(Duration jobCheckAge, int jobChecksPerHour) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(10), 300);
        }
    }

    private final List<PoolLoop> loops;
    private final ShellContext context;
    private final Settings settings;
    private final ReconcileListener listener;
    private final CallBudget jobChecks;
    /** When each job was last looked up; entries go with the job. */
    private final Map<Long, Instant> lastChecked = new ConcurrentHashMap<>();
    private volatile GitHubStatus gitHubStatus;

    public Reconciler(List<PoolLoop> loops, ShellContext context, Settings settings) {
        this(loops, context, settings, ReconcileListener.NONE);
    }

    public Reconciler(List<PoolLoop> loops, ShellContext context, Settings settings, ReconcileListener listener) {
        this.loops = loops;
        this.context = context;
        this.settings = settings;
        this.listener = listener;
        this.jobChecks = new CallBudget(settings.jobChecksPerHour(), Duration.ofHours(1));
    }

    /** One pass; returns at once, the answers arrive as events. */
    public void run() {
        loops.forEach(l -> l.offer(new PoolEvent.RefreshRequested()));
        reconcileStore();
        reconcileRunners();
        recheckQueuedJobs();
    }

    private void reconcileStore() {
        context.busyStore().loadAll().subscribe().with(this::markersObserved,
                e -> LOG.warnf("reconcile: busy store could not be read (%s); next pass tries again", e.toString()));
    }

    private void markersObserved(StoredMarkers stored) {
        for (PoolLoop loop : loops) {
            String pool = loop.pool().name();
            Set<String> busy = stored.busy().stream().filter(m -> m.pool().equals(pool)).map(m -> m.runnerName())
                    .collect(Collectors.toSet());
            Set<Long> queued = stored.queued().stream().filter(m -> m.pool().equals(pool)).map(m -> m.jobId())
                    .collect(Collectors.toSet());
            loop.offer(new PoolEvent.MarkersObserved(busy, queued));
        }
    }

    /** One listing per scope, shared by the pools registering there; each pool gets its own runners. */
    private void reconcileRunners() {
        Map<RunnerScope, List<PoolLoop>> byScope = new LinkedHashMap<>();
        loops.forEach(l -> byScope.computeIfAbsent(l.pool().scope(), s -> new ArrayList<>()).add(l));
        byScope.forEach((scope, scopeLoops) -> {
            Instant listedAt = context.time().now();
            context.gitHub().listRunners(scope).subscribe().with(
                    runners -> {
                        gitHubStatus = new GitHubStatus(context.time().now(), Optional.empty());
                        scopeLoops.forEach(l -> l.offer(new PoolEvent.RunnersObserved(listedAt, ownRunners(l, runners))));
                    },
                    e -> {
                        gitHubStatus = new GitHubStatus(context.time().now(), Optional.of(e.toString()));
                        LOG.warnf("reconcile: runners of %s could not be listed (%s); next pass tries again", scope, e.toString());
                    });
        });
    }

    /** The latest listing of GitHub's runners, or empty before the first pass. */
    public Optional<GitHubStatus> gitHubStatus() {
        return Optional.ofNullable(gitHubStatus);
    }

    /**
     * Every runner of the scope: instances are matched by exact name, so a wrong prefix setting can
     * only keep stale runners from being removed, never make a busy runner look gone.
     */
    private static List<ObservedRunner> ownRunners(PoolLoop loop, List<RunnerInfo> runners) {
        return runners.stream()
                .map(r -> new ObservedRunner(r.name(), r.online(), r.busy(), loop.pool().ownsRunner(r.name()))).toList();
    }

    /**
     * Jobs queued for longer than the check age are looked up, oldest first, within the hourly
     * budget: a missed {@code in_progress} or {@code completed} delivery would otherwise keep a
     * runner's worth of demand alive until the job's queued age runs out.
     */
    private void recheckQueuedJobs() {
        Instant now = context.time().now();
        Instant cutoff = now.minus(settings.jobCheckAge());
        Set<Long> stillQueued = new HashSet<>();
        record Candidate(long jobId, PoolState.QueuedJob job, PoolLoop loop) {}
        List<Candidate> due = new ArrayList<>();
        for (PoolLoop loop : loops) {
            loop.state().queued().forEach((id, job) -> {
                stillQueued.add(id);
                Instant checked = lastChecked.get(id);
                if (job.since().isBefore(cutoff) && !job.repository().isEmpty() && (checked == null || checked.isBefore(cutoff))) {
                    due.add(new Candidate(id, job, loop));
                }
            });
        }
        lastChecked.keySet().retainAll(stillQueued);
        due.sort(Comparator.comparing(c -> c.job().since()));
        for (Candidate c : due) {
            if (!jobChecks.tryTake(now)) {
                LOG.infof("reconcile: %d stuck job(s) wait for the next hour's look-up budget", due.size() - due.indexOf(c));
                return;
            }
            lastChecked.put(c.jobId(), now);
            context.gitHub().getJob(c.job().repository(), c.jobId()).subscribe().with(
                    job -> job.ifPresentOrElse(j -> jobChecked(c.loop(), j), () -> jobVanished(c.loop(), c.jobId(), c.job())),
                    e -> LOG.warnf("reconcile: job %d could not be looked up (%s)", c.jobId(), e.toString()));
        }
    }

    /**
     * GitHub answers 404 for a job that is gone (its run, repository or workflow deleted): it will
     * never start, so it leaves demand now, as a job cancelled while queued does, instead of holding
     * a runner's worth of capacity until {@code queued-max-age}. GitHub answers 404 also when the
     * credential may not read the repository's jobs, hence the warning.
     */
    private void jobVanished(PoolLoop loop, long jobId, PoolState.QueuedJob job) {
        String pool = loop.pool().name();
        LOG.warnf("pool %s: job %d of %s is unknown to GitHub (404: deleted, or not readable with this credential); "
                + "it no longer counts as waiting", pool, jobId, job.repository());
        listener.jobVanished(pool, jobId);
        loop.offer(new PoolEvent.JobCompleted(jobId, null));
    }

    private static void jobChecked(PoolLoop loop, JobInfo job) {
        if (job.completed()) {
            LOG.infof("pool %s: job %d is over at GitHub, but its completed delivery never came", loop.pool().name(), job.id());
            loop.offer(new PoolEvent.JobCompleted(job.id(), job.runnerName()));
        } else if ("in_progress".equals(job.status()) && job.runnerName() != null) {
            LOG.infof("pool %s: job %d runs on %s at GitHub, but its in_progress delivery never came", loop.pool().name(),
                    job.id(), job.runnerName());
            loop.offer(new PoolEvent.JobStarted(job.id(), job.runnerName()));
        }
    }
}
