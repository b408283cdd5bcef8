package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RunInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The simulated GitHub's workflow runs and their jobs, as its REST API reports them: each job
 * belongs to a run; a re-run starts a new attempt of the run in which the re-run jobs get new ids
 * and are queued again, and the other jobs' results carry over. A run is completed when every job
 * of its latest attempt is. Touched only on the simulator's thread.
 */
final class SimRuns {
    /** GitHub keeps runs for months; the simulator keeps this many jobs, dropping the oldest. */
    static final int LIMIT = 200_000;

    /** One job of one attempt. Its status and conclusion change as GitHub reports them. */
    static final class Job {
        final long id;
        final long runId;
        final int attempt;
        /** The job of the run's first attempt this one (re-)runs: the same piece of work. */
        final long origin;
        final Set<String> labels;
        final Duration duration;
        final String repository;
        final String organisation;
        String status = "queued";
        /** When GitHub created it: set by its first queued delivery. */
        java.time.Instant createdAt;
        String conclusion;
        String runnerName;

        Job(long id, long runId, int attempt, long origin, Set<String> labels, Duration duration, String repository,
                String organisation) {
            this.id = id;
            this.runId = runId;
            this.attempt = attempt;
            this.origin = origin;
            this.labels = Set.copyOf(labels);
            this.duration = duration;
            this.repository = repository;
            this.organisation = organisation;
        }

        boolean completed() {
            return "completed".equals(status);
        }

        boolean failed() {
            return completed() && "failure".equals(conclusion);
        }

        JobInfo info() {
            return new JobInfo(id, runId, status, conclusion, runnerName);
        }
    }

    private static final class Run {
        final long id;
        final String repository;
        int attempt = 1;
        /** The jobs of the latest attempt: re-run ones replaced by their new jobs. */
        final List<Long> latest = new ArrayList<>();

        Run(long id, String repository) {
            this.id = id;
            this.repository = repository;
        }
    }

    private final Map<Long, Job> jobs = new LinkedHashMap<>();
    private final Map<Long, Run> runs = new LinkedHashMap<>();

    /**
     * A new run with one job per duration, ids from {@code firstJobId} on; the run's id is ten times
     * its first job's (what deliveries without a run id have always said).
     */
    List<Job> newRun(long firstJobId, Set<String> labels, List<Duration> durations, String repository,
            String organisation) {
        Run run = new Run(firstJobId * 10, repository);
        runs.put(run.id, run);
        List<Job> made = new ArrayList<>();
        long id = firstJobId;
        for (Duration d : durations) {
            Job job = new Job(id, run.id, 1, id, labels, d, repository, organisation);
            id++;
            add(job);
            run.latest.add(job.id);
            made.add(job);
        }
        return made;
    }

    Optional<Job> job(long id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** The run as GitHub reports it; empty when unknown here or not of this repository. */
    Optional<RunInfo> run(String repository, long runId) {
        Run run = runs.get(runId);
        if (run == null || !run.repository.equalsIgnoreCase(repository)) {
            return Optional.empty();
        }
        List<Job> latest = latest(run);
        String status;
        String conclusion = null;
        if (latest.stream().allMatch(Job::completed)) {
            status = "completed";
            conclusion = latest.stream().anyMatch(Job::failed) ? "failure" : "success";
        } else {
            status = latest.stream().anyMatch(j -> !"queued".equals(j.status)) ? "in_progress" : "queued";
        }
        return Optional.of(new RunInfo(run.id, status, conclusion, run.attempt));
    }

    /**
     * A new attempt of the run of {@code jobs} (all of one run, completed, of its latest attempt),
     * each replaced by a new queued job with ids from {@code nextJobId} on.
     */
    List<Job> rerun(List<Job> which, long nextJobId) {
        Run run = runs.get(which.get(0).runId);
        run.attempt++;
        List<Job> made = new ArrayList<>();
        long id = nextJobId;
        for (Job old : which) {
            Job fresh = new Job(id++, run.id, run.attempt, old.origin, old.labels, old.duration, old.repository,
                    old.organisation);
            add(fresh);
            run.latest.set(run.latest.indexOf(old.id), fresh.id);
            made.add(fresh);
        }
        return made;
    }

    /** Whether GitHub would re-run jobs of this run now: it is known, of this repository, and completed. */
    Optional<String> refusal(String repository, long runId) {
        Optional<RunInfo> run = run(repository, runId);
        if (run.isEmpty()) {
            return Optional.of("run " + runId + " is not known in " + repository);
        }
        if (!run.get().completed()) {
            return Optional.of("run " + runId + " is " + run.get().status() + "; only a completed run can be re-run");
        }
        return Optional.empty();
    }

    /** The jobs of the run's latest attempt that failed. */
    List<Job> failedJobs(long runId) {
        Run run = runs.get(runId);
        return run == null ? List.of() : latest(run).stream().filter(Job::failed).toList();
    }

    /** Whether the job is one of its run's latest attempt (an older attempt's job is not re-run). */
    boolean latest(Job job) {
        Run run = runs.get(job.runId);
        return run != null && run.latest.contains(job.id);
    }

    private List<Job> latest(Run run) {
        return run.latest.stream().map(jobs::get).filter(j -> j != null).toList();
    }

    private void add(Job job) {
        jobs.put(job.id, job);
        if (jobs.size() > LIMIT) {
            Iterator<Job> oldest = jobs.values().iterator();
            Job dropped = oldest.next();
            oldest.remove();
            Run run = runs.get(dropped.runId);
            if (run != null && run.latest.stream().noneMatch(jobs::containsKey)) {
                runs.remove(run.id);
            }
        }
    }
}
