package io.vmssrunnerscaler.fakes.github;

import io.vmssrunnerscaler.fakes.github.FakeGitHub.Rerun;
import io.vmssrunnerscaler.fakes.github.FakeGitHub.RunJob;
import io.vmssrunnerscaler.fakes.github.FakeGitHub.RunView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Workflow runs with attempts, per repository, and GitHub's two re-run calls on them. A run's
 * status follows its latest attempt's jobs: queued while all the jobs this attempt runs are
 * queued, completed when all are, in progress otherwise. A re-run makes a new attempt: the re-run jobs (and the jobs that need
 * them, transitively) are queued again under new ids; the others are carried over unchanged, with
 * their ids (GitHub: "Jobs that aren't included keep their outputs from the previous attempt").
 * GitHub refuses a re-run with 403 while the run is in progress, for a job of an earlier attempt,
 * for a run older than 30 days or re-run 50 times already.
 */
final class FakeRuns {
    /** GitHub's refusal while the run is in progress (cli/cli#9221 shows the exchange). */
    static final String ALREADY_RUNNING = "This workflow is already running";
    /** GitHub's refusal of a run it will not re-run (too old, too many re-runs, nothing to re-run); wording as reported publicly. */
    static final String CANNOT_BE_RETRIED = "This workflow run cannot be retried";
    /** GitHub's refusal of a job that a later attempt replaced (runs-on/runs-on#263). */
    static final String NOT_CURRENT_ATTEMPT = "Only jobs from the current attempt can be re-run";
    /** "You can re-run ... up to 30 days after its initial run." */
    static final Duration RERUN_WINDOW = Duration.ofDays(30);
    /** "A workflow run can be re-run a maximum of 50 times." */
    static final int MAX_RERUNS = 50;
    /** Conclusions "re-run failed jobs" picks up. */
    static final Set<String> FAILED = Set.of("failure", "cancelled", "timed_out");

    private static final class Job {
        final long id;
        final String name;
        final int attempt;
        final Instant createdAt;
        String status = "queued";
        String conclusion;
        String runnerName;
        Instant startedAt;
        Instant completedAt;

        Job(long id, String name, int attempt, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.attempt = attempt;
            this.createdAt = createdAt;
            this.startedAt = createdAt;
        }
    }

    private static final class Run {
        final String repository;
        final long id;
        final Instant createdAt;
        final List<String> labels;
        /** Job name -> the names it needs. */
        final Map<String, Set<String>> needs = new HashMap<>();
        /** The latest attempt's jobs, in workflow order. */
        List<Job> jobs = new ArrayList<>();
        int attempt = 1;
        Instant attemptStartedAt;
        Instant updatedAt;

        Run(String repository, long id, Instant createdAt, List<String> labels) {
            this.repository = repository;
            this.id = id;
            this.createdAt = createdAt;
            this.labels = List.copyOf(labels);
            this.attemptStartedAt = createdAt;
            this.updatedAt = createdAt;
        }

        String status() {
            if (jobs.stream().allMatch(j -> j.status.equals("completed"))) {
                return "completed";
            }
            // Jobs carried over from an earlier attempt are done already; the attempt's own ones decide.
            return jobs.stream().filter(j -> j.attempt == attempt).allMatch(j -> j.status.equals("queued"))
                    ? "queued" : "in_progress";
        }

        /** failure when a job failed or timed out, else cancelled when one was, else success. */
        String conclusion() {
            if (!status().equals("completed")) {
                return null;
            }
            if (jobs.stream().anyMatch(j -> j.conclusion.equals("failure") || j.conclusion.equals("timed_out"))) {
                return "failure";
            }
            return jobs.stream().anyMatch(j -> j.conclusion.equals("cancelled")) ? "cancelled" : "success";
        }
    }

    private final Map<String, Run> runs = new LinkedHashMap<>();
    /** repository#jobId -> run id, for every job of every attempt. */
    private final Map<String, Long> runOfJob = new HashMap<>();
    private final List<Rerun> reruns = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<RunJob>>> queuedListeners = new CopyOnWriteArrayList<>();
    private long nextRunId = 5_000_000_001L;
    private long nextJobId = 20_000_000_001L;

    private static String key(String repository, long id) {
        return repository.toLowerCase(Locale.ROOT) + "#" + id;
    }

    synchronized long add(String repository, List<String> labels, List<String> jobNames, Instant now) {
        if (jobNames.isEmpty() || Set.copyOf(jobNames).size() != jobNames.size()) {
            throw new IllegalArgumentException("a run needs jobs with distinct names: " + jobNames);
        }
        Run run = new Run(repository.toLowerCase(Locale.ROOT), nextRunId++, now, labels);
        jobNames.forEach(name -> run.jobs.add(newJob(run, name, now)));
        runs.put(key(repository, run.id), run);
        return run.id;
    }

    synchronized void needs(String repository, long runId, String job, List<String> needed) {
        Run run = existing(repository, runId);
        for (String name : needed) {
            if (run.jobs.stream().noneMatch(j -> j.name.equals(name))) {
                throw new IllegalArgumentException("run " + runId + " has no job " + name);
            }
        }
        run.needs.computeIfAbsent(job, k -> new LinkedHashSet<>()).addAll(needed);
    }

    synchronized void start(String repository, long jobId, String runnerName, Instant now) {
        Job job = current(repository, jobId);
        job.status = "in_progress";
        job.runnerName = runnerName;
        job.startedAt = now;
        existing(repository, runOfJob.get(key(repository, jobId))).updatedAt = now;
    }

    synchronized void complete(String repository, long jobId, String conclusion, Instant now) {
        Job job = current(repository, jobId);
        job.status = "completed";
        job.conclusion = conclusion;
        job.completedAt = now;
        existing(repository, runOfJob.get(key(repository, jobId))).updatedAt = now;
    }

    synchronized Optional<RunView> view(String repository, long runId) {
        Run run = runs.get(key(repository, runId));
        return run == null ? Optional.empty()
                : Optional.of(new RunView(run.id, run.status(), run.conclusion(), run.attempt, views(run, run.jobs)));
    }

    List<Rerun> reruns() {
        return List.copyOf(reruns);
    }

    void onJobsQueued(Consumer<List<RunJob>> listener) {
        queuedListeners.add(listener);
    }

    // --- the endpoints -----------------------------------------------------------------------

    synchronized Optional<FakeReply> job(String repository, long jobId) {
        Long runId = runOfJob.get(key(repository, jobId));
        if (runId == null) {
            return Optional.empty();
        }
        Run run = existing(repository, runId);
        Job job = find(run, jobId).orElseThrow();
        return Optional.of(FakeReply.json(200, jobJson(run, job)));
    }

    synchronized FakeReply runReply(String repository, long runId) {
        Run run = runs.get(key(repository, runId));
        return run == null ? FakeReply.error(404, "Not Found") : FakeReply.json(200, FakeRunJson.run(run.repository,
                run.id, run.status(), run.conclusion(), run.attempt, run.createdAt, run.attemptStartedAt, run.updatedAt));
    }

    /** {@code POST .../actions/jobs/{id}/rerun}: the job and the jobs that need it. */
    FakeReply rerunJob(String repository, long jobId, Instant now) {
        Outcome outcome;
        synchronized (this) {
            Long runId = runOfJob.get(key(repository, jobId));
            if (runId == null) {
                outcome = new Outcome(FakeReply.error(404, "Not Found"), List.of());
            } else {
                Run run = existing(repository, runId);
                outcome = refusal(run, now).map(refused -> new Outcome(refused, List.of()))
                        .orElseGet(() -> find(run, jobId).isEmpty()
                                ? new Outcome(FakeReply.error(403, NOT_CURRENT_ATTEMPT), List.of())
                                : newAttempt(run, Set.of(find(run, jobId).get().name), now));
            }
        }
        return finish(FakeGitHub.RERUN_JOB, repository, jobId, now, outcome);
    }

    /** {@code POST .../actions/runs/{id}/rerun-failed-jobs}: every failed, cancelled or timed-out job, and those that need them. */
    FakeReply rerunFailedJobs(String repository, long runId, Instant now) {
        Outcome outcome;
        synchronized (this) {
            Run run = runs.get(key(repository, runId));
            if (run == null) {
                outcome = new Outcome(FakeReply.error(404, "Not Found"), List.of());
            } else {
                Set<String> failed = new LinkedHashSet<>();
                run.jobs.stream().filter(j -> j.conclusion != null && FAILED.contains(j.conclusion)).forEach(j -> failed.add(j.name));
                outcome = refusal(run, now).map(refused -> new Outcome(refused, List.of()))
                        .orElseGet(() -> failed.isEmpty()
                                ? new Outcome(FakeReply.error(403, CANNOT_BE_RETRIED), List.of())
                                : newAttempt(run, failed, now));
            }
        }
        return finish(FakeGitHub.RERUN_FAILED_JOBS, repository, runId, now, outcome);
    }

    private record Outcome(FakeReply reply, List<RunJob> queued) {}

    /** Records the request and tells the listeners, outside the lock: a listener may call back into the fake. */
    private FakeReply finish(String kind, String repository, long id, Instant now, Outcome outcome) {
        reruns.add(new Rerun(kind, repository.toLowerCase(Locale.ROOT), id, now, outcome.reply().status()));
        if (!outcome.queued().isEmpty()) {
            queuedListeners.forEach(listener -> listener.accept(outcome.queued()));
        }
        return outcome.reply();
    }

    private Optional<FakeReply> refusal(Run run, Instant now) {
        if (!run.status().equals("completed")) {
            return Optional.of(FakeReply.error(403, ALREADY_RUNNING));
        }
        if (!now.isBefore(run.createdAt.plus(RERUN_WINDOW)) || run.attempt > MAX_RERUNS) {
            return Optional.of(FakeReply.error(403, CANNOT_BE_RETRIED));
        }
        return Optional.empty();
    }

    private Outcome newAttempt(Run run, Set<String> names, Instant now) {
        Set<String> rerun = withDependents(run, names);
        run.attempt++;
        run.attemptStartedAt = now;
        run.updatedAt = now;
        List<Job> next = new ArrayList<>();
        List<Job> queued = new ArrayList<>();
        for (Job job : run.jobs) {
            if (rerun.contains(job.name)) {
                Job again = newJob(run, job.name, now);
                next.add(again);
                queued.add(again);
            } else {
                next.add(job);
            }
        }
        run.jobs = next;
        return new Outcome(FakeReply.json(201, Map.of()), views(run, queued));
    }

    /** The named jobs and every job that needs one of them, directly or not. */
    private static Set<String> withDependents(Run run, Set<String> names) {
        Set<String> all = new LinkedHashSet<>(names);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, Set<String>> e : run.needs.entrySet()) {
                if (!all.contains(e.getKey()) && e.getValue().stream().anyMatch(all::contains)) {
                    grew = all.add(e.getKey());
                }
            }
        }
        return all;
    }

    private Job newJob(Run run, String name, Instant now) {
        Job job = new Job(nextJobId++, name, run.attempt, now);
        runOfJob.put(key(run.repository, job.id), run.id);
        return job;
    }

    private Run existing(String repository, long runId) {
        Run run = runs.get(key(repository, runId));
        if (run == null) {
            throw new IllegalArgumentException("no run " + runId + " in " + repository);
        }
        return run;
    }

    private static Optional<Job> find(Run run, long jobId) {
        return run.jobs.stream().filter(j -> j.id == jobId).findFirst();
    }

    /** A job of the latest attempt; tests cannot move jobs that a re-run replaced. */
    private Job current(String repository, long jobId) {
        Long runId = runOfJob.get(key(repository, jobId));
        if (runId == null) {
            throw new IllegalArgumentException("no job " + jobId + " in a run of " + repository);
        }
        return find(existing(repository, runId), jobId)
                .orElseThrow(() -> new IllegalArgumentException("job " + jobId + " was replaced by a re-run"));
    }

    private static List<RunJob> views(Run run, List<Job> jobs) {
        return jobs.stream().map(j -> new RunJob(run.repository, j.id, run.id, j.attempt, j.name, run.labels, j.status,
                j.conclusion, j.runnerName)).toList();
    }

    private static Map<String, Object> jobJson(Run run, Job job) {
        return FakeRunJson.job(run.repository, job.id, run.id, job.attempt, job.name, run.labels, job.status,
                job.conclusion, job.runnerName, job.createdAt, job.startedAt, job.completedAt);
    }
}
