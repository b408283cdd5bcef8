package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Jobs lost with their runners, and what becomes of each: GitHub is asked how the job ended (or
 * tells by its {@code completed} delivery); a job that failed is re-run once its run is over, if
 * its pool asks for re-runs, at most once per job and within the pool's hourly budget. Pending
 * ones are kept in the busy store, so a restart still follows them up.
 */
public final class LostJobs {
    private static final Logger LOG = Logger.getLogger(LostJobs.class);
    /** Lost jobs shown to operators. */
    static final int SHOWN = 200;
    /** Re-run jobs remembered, so that none is re-run twice. */
    static final int REMEMBERED = 10_000;
    /** A lost job GitHub has not ended by then is given up: GitHub fails a job after 24 hours at most... */
    static final Duration GIVE_UP_AFTER = Duration.ofHours(26);
    /** ...and one whose id never became known is given up sooner: there is nothing to ask about. */
    static final Duration UNKNOWN_JOB_GIVE_UP = Duration.ofHours(1);

    /** What became of a lost job. */
    public enum Outcome {
        /** Waiting for GitHub to end the job and its run. */
        WATCHING,
        /** GitHub was asked to run it again. */
        RERUN,
        /** It failed, and its pool does not re-run lost jobs. */
        NOT_RERUN,
        /** GitHub shows it succeeded after all (its end was reported late or not at all). */
        SUCCEEDED,
        /** Not re-run: GitHub refused, the budget was spent, or nothing is known to ask about. */
        GAVE_UP;

        /** As shown in {@code GET /pools} and metrics. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A lost job as operators see it. */
    public record LostJob(String pool, long jobId, String repository, String runnerName, String reason, Instant at,
            Outcome outcome, String detail) {}

    /** Told of each loss and outcome (metrics). */
    public interface Listener {
        void lost(String pool, String reason);

        void outcome(String pool, Outcome outcome);

        Listener NONE = new Listener() {
            @Override
            public void lost(String pool, String reason) {}

            @Override
            public void outcome(String pool, Outcome outcome) {}
        };
    }

    private static final class Entry {
        final Pool pool;
        long jobId;
        String repository;
        final String runner;
        final String reason;
        final Instant at;
        long runId;
        /** The run's attempt when a re-run was asked for without a clear answer; 0 when none was. */
        int askedAtAttempt;
        boolean checking;
        String subject;

        Entry(Pool pool, long jobId, String repository, String runner, String reason, Instant at) {
            this.pool = pool;
            this.jobId = jobId;
            this.repository = repository;
            this.runner = runner;
            this.reason = reason;
            this.at = at;
            this.subject = LostMarker.subjectOf(jobId, runner);
        }
    }

    private final GitHubPort gitHub;
    private final BusyStore store;
    private final TimeSource time;
    private final Listener listener;
    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private final Deque<LostJob> shown = new ArrayDeque<>();
    private final Map<String, Deque<Instant>> rerunsByPool = new HashMap<>();
    private final Set<Long> rerunJobs = new LinkedHashSet<>();

    public LostJobs(GitHubPort gitHub, BusyStore store, TimeSource time, Listener listener) {
        this.gitHub = gitHub;
        this.store = store;
        this.time = time;
        this.listener = listener;
    }

    /** The engine found a job lost on this pool's scale set. */
    public void lost(Pool pool, PoolCommand.JobLost lost) {
        String reason = lost.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        Entry entry;
        synchronized (this) {
            if (known(pool, lost.jobId(), lost.runnerName())) {
                return;
            }
            entry = new Entry(pool, lost.jobId(), lost.repository(), lost.runnerName(), reason, time.now());
            pending.put(key(pool, entry.subject), entry);
        }
        LOG.warnf("pool %s: job %s lost with runner %s (%s)%s", pool.name(), jobText(entry.jobId), entry.runner, reason,
                pool.losses().rerunLostJobs() ? "; it is re-run once GitHub has ended its run" : "");
        listener.lost(pool.name(), reason);
        write(entry);
    }

    /** A lost job read back from the store at start: followed up as before the restart. */
    public void restored(Pool pool, LostMarker marker) {
        synchronized (this) {
            if (known(pool, marker.jobId(), marker.runnerName())) {
                return;
            }
            Entry entry = new Entry(pool, marker.jobId(), marker.repository(), marker.runnerName(), marker.reason(),
                    marker.since() == null ? time.now() : marker.since());
            pending.put(key(pool, entry.subject), entry);
        }
    }

    /**
     * A {@code completed} delivery: for a lost job it says how the job ended and its run, and for
     * a runner lost before its job was known, which job it was.
     */
    public void completed(WorkflowJob job) {
        List<Entry> ready = new ArrayList<>();
        synchronized (this) {
            for (Entry e : pending.values()) {
                if (e.jobId == job.jobId() || (e.jobId == 0 && job.runnerName() != null
                        && e.runner.equalsIgnoreCase(job.runnerName()))) {
                    learn(e, job.jobId(), job.repositoryFullName(), job.runId());
                    ready.add(e);
                }
            }
        }
        ready.forEach(e -> check(e, Optional.of(new JobInfo(job.jobId(), job.runId(), "completed", job.conclusion(),
                job.runnerName()))));
    }

    /** Asks GitHub about every lost job not yet settled (the reconcile loop calls this). */
    public void checkAll() {
        List<Entry> due;
        synchronized (this) {
            due = pending.values().stream().filter(e -> !e.checking).toList();
        }
        due.forEach(e -> check(e, Optional.empty()));
    }

    /** The lost jobs of a pool (its loop name), newest first: pending ones and recently settled ones. */
    public synchronized List<LostJob> of(String pool) {
        List<LostJob> out = new ArrayList<>();
        pending.values().stream().filter(e -> e.pool.name().equals(pool))
                .forEach(e -> out.add(view(e, Outcome.WATCHING, "")));
        shown.stream().filter(j -> j.pool().equals(pool)).forEach(out::add);
        out.sort((a, b) -> b.at().compareTo(a.at()));
        return out;
    }

    /** Lost jobs still followed up, for all pools. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    private void check(Entry e, Optional<JobInfo> told) {
        synchronized (this) {
            if (e.checking || !pending.containsValue(e)) {
                return;
            }
            if (e.jobId == 0 || e.repository.isEmpty()) {
                if (!time.now().isBefore(e.at.plus(UNKNOWN_JOB_GIVE_UP))) {
                    settle(e, Outcome.GAVE_UP, "the job's id or repository never became known");
                }
                return;
            }
            if (!time.now().isBefore(e.at.plus(GIVE_UP_AFTER))) {
                settle(e, Outcome.GAVE_UP, "GitHub did not end its run within " + GIVE_UP_AFTER.toHours() + " h");
                return;
            }
            e.checking = true;
        }
        Uni<Optional<JobInfo>> job = told.isPresent() ? Uni.createFrom().item(told) : gitHub.getJob(e.repository, e.jobId);
        job.subscribe().with(info -> judge(e, info), failure -> retryLater(e, "job look-up", failure));
    }

    private void judge(Entry e, Optional<JobInfo> info) {
        if (info.isEmpty()) {
            finish(e, Outcome.GAVE_UP, "GitHub does not know the job");
            return;
        }
        JobInfo job = info.get();
        if (!job.completed()) {
            release(e); // GitHub has not noticed the runner is gone yet; it fails the job in time
            return;
        }
        if ("success".equals(job.conclusion()) || "skipped".equals(job.conclusion())) {
            finish(e, Outcome.SUCCEEDED, "GitHub reports it " + job.conclusion());
            return;
        }
        if (!e.pool.losses().rerunLostJobs()) {
            finish(e, Outcome.NOT_RERUN, "ended " + job.conclusion() + "; the pool does not re-run lost jobs");
            return;
        }
        synchronized (this) {
            learn(e, e.jobId, e.repository, job.runId());
        }
        if (e.runId == 0) {
            finish(e, Outcome.GAVE_UP, "GitHub did not name the job's run");
            return;
        }
        gitHub.getRun(e.repository, e.runId).subscribe().with(run -> rerunIfOver(e, run),
                failure -> retryLater(e, "run look-up", failure));
    }

    private void rerunIfOver(Entry e, Optional<RunInfo> run) {
        if (run.isEmpty()) {
            finish(e, Outcome.GAVE_UP, "GitHub does not know run " + e.runId);
            return;
        }
        if (e.askedAtAttempt != 0 && run.get().runAttempt() > e.askedAtAttempt) {
            // The earlier request had no clear answer, yet GitHub took it: a new attempt exists.
            finish(e, Outcome.RERUN, "re-run (attempt " + run.get().runAttempt() + ")");
            return;
        }
        if (!run.get().completed()) {
            release(e); // a run still in progress cannot be re-run
            return;
        }
        List<Entry> sameRun;
        synchronized (this) {
            e.askedAtAttempt = run.get().runAttempt();
            if (rerunJobs.contains(e.jobId)) {
                settle(e, Outcome.GAVE_UP, "re-run once already");
                return;
            }
            if (!takeBudget(e.pool)) {
                e.checking = false;
                LOG.warnf("pool %s: lost job %d waits for the hourly re-run budget (%d)", e.pool.name(), e.jobId,
                        e.pool.losses().rerunsPerHour());
                return;
            }
            // Several lost jobs of one run: one request re-runs them all, as a second would be
            // refused while the first one's attempt runs.
            sameRun = pending.values().stream().filter(o -> o != e && o.runId == e.runId
                    && o.repository.equalsIgnoreCase(e.repository) && !rerunJobs.contains(o.jobId)).toList();
            sameRun.forEach(o -> {
                o.checking = true;
                o.askedAtAttempt = e.askedAtAttempt;
            });
            rememberRerun(e.jobId);
            sameRun.forEach(o -> rememberRerun(o.jobId));
        }
        Uni<Void> rerun = sameRun.isEmpty() ? gitHub.rerunJob(e.repository, e.jobId)
                : gitHub.rerunFailedJobs(e.repository, e.runId);
        String how = sameRun.isEmpty() ? "re-run of the job" : "re-run of run " + e.runId + "'s failed jobs";
        rerun.subscribe().with(ok -> {
            LOG.infof("pool %s: asked GitHub for a %s (lost job %d)", e.pool.name(), how, e.jobId);
            finish(e, Outcome.RERUN, how);
            sameRun.forEach(o -> finish(o, Outcome.RERUN, how));
        }, failure -> {
            if (failure instanceof RerunRefusedException) {
                finish(e, Outcome.GAVE_UP, "GitHub refused the re-run: " + failure.getMessage());
                sameRun.forEach(o -> finish(o, Outcome.GAVE_UP, "GitHub refused the re-run: " + failure.getMessage()));
            } else {
                // Not known whether GitHub took it: the next check sees a newer attempt if it did,
                // and asks again only if it did not.
                synchronized (this) {
                    rerunJobs.remove(e.jobId);
                    sameRun.forEach(o -> {
                        rerunJobs.remove(o.jobId);
                        o.checking = false;
                    });
                }
                retryLater(e, how, failure);
            }
        });
    }

    /** Takes one re-run from the pool's hourly budget, if any is left. */
    private boolean takeBudget(Pool pool) {
        Deque<Instant> recent = rerunsByPool.computeIfAbsent(pool.poolName(), k -> new ArrayDeque<>());
        Instant hourAgo = time.now().minus(Duration.ofHours(1));
        while (!recent.isEmpty() && recent.peekFirst().isBefore(hourAgo)) {
            recent.removeFirst();
        }
        if (recent.size() >= pool.losses().rerunsPerHour()) {
            return false;
        }
        recent.addLast(time.now());
        return true;
    }

    private void rememberRerun(long jobId) {
        rerunJobs.add(jobId);
        if (rerunJobs.size() > REMEMBERED) {
            rerunJobs.remove(rerunJobs.iterator().next());
        }
    }

    private void learn(Entry e, long jobId, String repository, long runId) {
        if (e.jobId == 0 && jobId != 0) {
            String old = e.subject;
            e.jobId = jobId;
            e.subject = LostMarker.subjectOf(jobId, e.runner);
            pending.remove(key(e.pool, old));
            pending.put(key(e.pool, e.subject), e);
            store.clearLost(e.pool.name(), old).subscribe().with(ok -> { }, f -> { });
            write(e);
        }
        if (e.repository.isEmpty() && repository != null) {
            e.repository = repository;
        }
        if (runId != 0) {
            e.runId = runId;
        }
    }

    private synchronized void release(Entry e) {
        e.checking = false;
    }

    private void retryLater(Entry e, String what, Throwable failure) {
        LOG.warnf("pool %s: lost job %d: %s failed (%s); asked again at the next reconcile", e.pool.name(), e.jobId,
                what, failure.toString());
        release(e);
    }

    private void finish(Entry e, Outcome outcome, String detail) {
        synchronized (this) {
            if (!pending.containsValue(e)) {
                return;
            }
            settle(e, outcome, detail);
        }
    }

    /** Called holding the monitor. */
    private void settle(Entry e, Outcome outcome, String detail) {
        pending.remove(key(e.pool, e.subject));
        shown.addFirst(view(e, outcome, detail));
        while (shown.size() > SHOWN) {
            shown.removeLast();
        }
        listener.outcome(e.pool.name(), outcome);
        LOG.infof("pool %s: lost job %s: %s (%s)", e.pool.name(), jobText(e.jobId), outcome.label(), detail);
        store.clearLost(e.pool.name(), e.subject).subscribe().with(ok -> { },
                f -> LOG.warnf("pool %s: could not clear lost job %s from the store (%s)", e.pool.name(), e.subject, f.toString()));
    }

    private boolean known(Pool pool, long jobId, String runner) {
        return pending.containsKey(key(pool, LostMarker.subjectOf(jobId, runner)))
                || (jobId != 0 && (rerunJobs.contains(jobId) || shown.stream().anyMatch(j -> j.jobId() == jobId)));
    }

    private void write(Entry e) {
        store.markLost(new LostMarker(e.pool.name(), e.jobId, e.repository, e.runner, e.reason, e.at)).subscribe().with(
                ok -> { }, f -> LOG.warnf("pool %s: could not store lost job %s (%s); a restart would not re-run it",
                        e.pool.name(), e.subject, f.toString()));
    }

    private static LostJob view(Entry e, Outcome outcome, String detail) {
        return new LostJob(e.pool.name(), e.jobId, e.repository, e.runner, e.reason, e.at, outcome, detail);
    }

    private static String key(Pool pool, String subject) {
        return pool.name() + "/" + subject;
    }

    private static String jobText(long jobId) {
        return jobId == 0 ? "(id not known yet)" : Long.toString(jobId);
    }
}
