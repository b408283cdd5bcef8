package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerBusyException;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.sim.SimEvent.Kind;
import io.vmssrunnerscaler.sim.SimRuns.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A simulated GitHub and the runners on the simulated VMs: issues JIT configurations, brings a
 * runner online once its VM booted and configured it, assigns queued jobs to idle runners with
 * matching labels, runs each for its duration, and calls the scaler the way GitHub and a runner do;
 * records its webhook deliveries for listing and redelivery ({@link SimHook}). Each job belongs to a
 * workflow run, which can be re-run once completed ({@link SimRuns}). A runner whose VM dies under
 * a job keeps the job until GitHub notices ({@code lost-runner-timeout}), then GitHub fails it and
 * delivers {@code completed} with conclusion {@code failure}. Touched only on the simulator's thread.
 */
public final class SimulatedGitHub implements GitHubPort {
    private static final Duration CONFIG_RETRY = Duration.ofSeconds(5);
    private static final int CONFIG_ATTEMPTS = 60;
    /** Between the completed-hook and the runner's final report of the job. */
    private static final Duration FINAL_REPORT = Duration.ofSeconds(1);
    private static final long FIRST_JOB_ID = 1000;

    /** What a listing shows of a runner configuration: its name as given, and its labels. */
    private record Issued(String name, Set<String> labels) {}

    private final class Runner {
        final SimVm vm;
        final int generation;
        /** The job GitHub gave it; kept after the runner died until GitHub fails the job. */
        Job job;

        Runner(SimVm vm) {
            this.vm = vm;
            this.generation = vm.generation;
        }

        boolean alive() {
            return vm.generation == generation;
        }
    }

    private final SimWorld world;
    private final SimHook webhook;
    private final LinkedHashMap<Long, Job> queued = new LinkedHashMap<>();
    private final SimRuns runs = new SimRuns();
    private final Map<String, Runner> runners = new LinkedHashMap<>();
    private final Map<String, Long> issuedConfigs = new HashMap<>();
    /** Keyed like issuedConfigs; only read for listings, and pruned against issuedConfigs there. */
    private final Map<String, Issued> issuedDetails = new HashMap<>();
    private long nextJobId = FIRST_JOB_ID;
    private long nextRunnerId = 1;

    SimulatedGitHub(SimWorld world) {
        this.world = world;
        this.webhook = new SimHook(world);
    }

    @Override
    public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String runnerGroup) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> {
            try {
                world.failIfInjected("createRunnerConfig");
            } catch (SimulatedFailure e) {
                emitter.fail(e);
                return;
            }
            long id = nextRunnerId++;
            issuedConfigs.put(runnerName.toLowerCase(Locale.ROOT), id);
            issuedDetails.put(runnerName.toLowerCase(Locale.ROOT), new Issued(runnerName, Set.copyOf(labels)));
            emitter.complete(new RunnerConfig(id, "sim-jit-" + id + "-" + Long.toHexString(world.random().nextLong())));
        }));
    }

    @Override
    public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> emitter.complete(
                new RegistrationToken("SIMREG" + Long.toHexString(world.random().nextLong()),
                        world.time().now().plus(Duration.ofHours(1))))));
    }

    @Override
    public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> {
            Runner runner = runners.get(runnerName);
            if (runner != null && runner.job != null) {
                emitter.fail(new RunnerBusyException(runnerName));
                return;
            }
            runners.remove(runnerName);
            issuedConfigs.remove(runnerName.toLowerCase(Locale.ROOT));
            emitter.complete(null);
        }));
    }

    /**
     * The runners GitHub knows: every configuration issued and not yet removed, online once its VM
     * started it. The simulator has one scope, so {@code scope} is not looked at.
     */
    @Override
    public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> {
            issuedDetails.keySet().retainAll(issuedConfigs.keySet());
            List<RunnerInfo> listed = new ArrayList<>();
            issuedConfigs.forEach((key, id) -> {
                Issued issued = issuedDetails.get(key);
                Runner runner = issued == null ? null : runners.get(issued.name());
                boolean online = runner != null && runner.alive();
                // A runner that died under its job is offline, and busy until GitHub fails the job.
                boolean busy = runner != null && runner.job != null;
                listed.add(new RunnerInfo(id, issued == null ? key : issued.name(), online, busy,
                        issued == null ? Set.of() : issued.labels()));
            });
            emitter.complete(List.copyOf(listed));
        }));
    }

    /** A job as GitHub reports it, with its run and, once completed, its conclusion. */
    @Override
    public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
        return world.later(Duration.ZERO, () -> runs.job(jobId).filter(j -> j.repository.equalsIgnoreCase(repositoryFullName))
                .map(Job::info));
    }

    /**
     * Every delivery the simulator made to the scaler, with the status the scaler answered (0: no
     * answer). The simulator has one webhook, so {@code hook} is not looked at.
     */
    @Override
    public Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> {
            try {
                world.failIfInjected("listHookDeliveries");
            } catch (SimulatedFailure e) {
                emitter.fail(e);
                return;
            }
            emitter.complete(webhook.since(since));
        }));
    }

    /** Sends the delivery again, with its GUID, right after answering (as GitHub answers 202 first). */
    @Override
    public Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
        return Uni.createFrom().emitter(emitter -> world.time().schedule(Duration.ZERO, () -> {
            try {
                world.failIfInjected("redeliver");
            } catch (SimulatedFailure e) {
                emitter.fail(e);
                return;
            }
            if (webhook.redeliver(deliveryId)) {
                emitter.complete(null);
            } else {
                emitter.fail(new SimulatedFailure("NotFound: no delivery " + deliveryId + " of " + hook));
            }
        }));
    }

    /** A job arrives, the only job of a new run: GitHub queues it and delivers {@code queued}. */
    public long submit(Set<String> labels, Duration duration, String repository, String organisation) {
        return submitRun(labels, List.of(duration), repository, organisation).get(0);
    }

    /** A run of several jobs with the same labels arrives; each is queued and delivered {@code queued}. */
    public List<Long> submitRun(Set<String> labels, List<Duration> durations, String repository, String organisation) {
        List<Job> jobs = runs.newRun(nextJobId, labels, durations, repository, organisation);
        nextJobId += jobs.size();
        for (Job job : jobs) {
            queued.put(job.id, job);
            world.log(Kind.JOB_QUEUED, job.id, null, null, 0, String.join(",", labels));
            deliver(job, "queued", null);
        }
        assignJobs();
        return jobs.stream().map(j -> j.id).toList();
    }

    /** The job of its run's first attempt that this job is, or re-runs: the same piece of work. */
    public long originOf(long jobId) {
        return runs.job(jobId).map(j -> j.origin).orElse(jobId);
    }

    public int queuedJobs() {
        return queued.size();
    }

    /** The VM booted: its cloud-init asks the scaler for a configuration, retrying while it is unknown. */
    void cloudInit(SimVm vm) {
        askForConfig(vm, vm.generation, 1);
    }

    private void askForConfig(SimVm vm, int generation, int attempt) {
        if (vm.generation != generation) {
            return;
        }
        world.endpoints().requestRunnerConfig(vm.name, vm.vmId).subscribe().with(
                answer -> world.time().schedule(Duration.ZERO, () -> {
                    if (answer.isPresent()) {
                        world.time().schedule(world.settings().runnerStartDelay(), () -> runnerOnline(vm, generation));
                    } else if (attempt < CONFIG_ATTEMPTS) {
                        world.time().schedule(CONFIG_RETRY, () -> askForConfig(vm, generation, attempt + 1));
                    }
                }),
                // Refused or failed: cloud-init tries again a bounded number of times, then the VM idles
                // until the scaler recycles it.
                failure -> world.time().schedule(CONFIG_RETRY, () -> {
                    if (attempt < CONFIG_ATTEMPTS) {
                        askForConfig(vm, generation, attempt + 1);
                    }
                }));
    }

    private void runnerOnline(SimVm vm, int generation) {
        if (vm.generation != generation || !issuedConfigs.containsKey(vm.name.toLowerCase(Locale.ROOT))) {
            return;
        }
        runners.put(vm.name, new Runner(vm));
        world.endpoints().runnerOnline(vm.name); // as the VM's runner-online notice does
        assignJobs();
    }

    /** GitHub hands queued jobs, oldest first, to idle runners whose labels cover them. */
    private void assignJobs() {
        for (Job job : List.copyOf(queued.values())) {
            Optional<Runner> idle = runners.values().stream()
                    .filter(r -> r.job == null && r.alive() && r.vm.labels.containsAll(lower(job.labels)))
                    .findFirst();
            idle.ifPresent(r -> start(job, r));
        }
    }

    private void start(Job job, Runner runner) {
        queued.remove(job.id);
        runner.job = job;
        runner.vm.jobId = job.id;
        job.status = "in_progress";
        job.runnerName = runner.vm.name;
        world.log(Kind.JOB_STARTED, job.id, runner.vm.scaleSet, runner.vm.instanceId, 0, runner.vm.name);
        world.endpoints().jobStarted(runner.vm.name);
        deliver(job, "in_progress", runner.vm.name);
        world.time().schedule(job.duration, () -> finishing(runner));
    }

    private void finishing(Runner runner) {
        if (!runner.alive()) {
            return; // the VM was re-imaged or deleted under the job: it is lost (and was logged)
        }
        world.endpoints().jobCompleted(runner.vm.name);
        world.time().schedule(FINAL_REPORT, () -> {
            if (!runner.alive()) {
                return;
            }
            Job job = runner.job;
            runner.vm.jobId = 0;
            runners.remove(runner.vm.name); // a JIT runner runs one job, then GitHub removes it
            issuedConfigs.remove(runner.vm.name.toLowerCase(Locale.ROOT));
            job.status = "completed";
            job.conclusion = "success";
            world.log(Kind.JOB_COMPLETED, job.id, runner.vm.scaleSet, runner.vm.instanceId, 0, runner.vm.name);
            deliver(job, "completed", runner.vm.name);
        });
    }

    /**
     * The VM is being re-imaged or deleted by the scaler: its runner is gone. A job on it (a busy
     * runner touched, which the invariants catch) is failed when GitHub notices, without a delivery,
     * so that the comparison policies of the benchmarks see what they always saw.
     */
    void vmGone(SimVm vm) {
        Runner r = runners.get(vm.name);
        if (r != null && r.vm == vm) {
            runners.remove(vm.name);
            if (r.job != null) {
                Job job = r.job;
                world.time().schedule(world.settings().losses().lostRunnerTimeout(), () -> fail(job, vm, false));
            }
        }
        issuedConfigs.remove(vm.name.toLowerCase(Locale.ROOT));
        vm.jobId = 0;
    }

    /**
     * The VM died (evicted or killed; its generation already moved on): its runner goes offline.
     * GitHub keeps the runner's job, busy, until the job's lock runs out, then fails it and
     * delivers {@code completed} with conclusion {@code failure}.
     */
    void runnerDied(SimVm vm) {
        vm.jobId = 0;
        Runner r = runners.get(vm.name);
        if (r == null || r.vm != vm) {
            return;
        }
        if (r.job == null) {
            runners.remove(vm.name); // offline; still registered until the scaler removes it
            return;
        }
        Job job = r.job;
        world.time().schedule(world.settings().losses().lostRunnerTimeout(), () -> {
            if (runners.get(vm.name) == r) {
                runners.remove(vm.name);
            }
            fail(job, vm, true);
        });
    }

    private void fail(Job job, SimVm vm, boolean deliver) {
        if (job.completed()) {
            return;
        }
        job.status = "completed";
        job.conclusion = "failure";
        world.log(Kind.JOB_FAILED, job.id, vm.scaleSet, vm.instanceId, 0, vm.name);
        if (deliver) {
            deliver(job, "completed", vm.name);
        }
    }

    private void deliver(Job job, String action, String runnerName) {
        if (job.createdAt == null) {
            job.createdAt = world.time().now();
        }
        webhook.deliver(new WorkflowJob(action, job.id, List.copyOf(job.labels), runnerName, job.repository,
                job.organisation, job.runId, "completed".equals(action) ? job.conclusion : null, job.createdAt));
    }

    private static Set<String> lower(Set<String> labels) {
        return labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    @Override
    public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
        return world.later(Duration.ZERO, () -> runs.run(repositoryFullName, runId));
    }

    /**
     * A new attempt of the job's run with the job queued again under a new id; refused while the
     * run is not completed, or for a job of an earlier attempt.
     */
    @Override
    public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
        return world.later(Duration.ZERO, () -> {
            Job job = runs.job(jobId).filter(j -> j.repository.equalsIgnoreCase(repositoryFullName))
                    .orElseThrow(() -> new SimulatedFailure("NotFound: no job " + jobId + " in " + repositoryFullName));
            refuseIf(runs.refusal(repositoryFullName, job.runId));
            if (!runs.latest(job)) {
                throw new RerunRefusedException("job " + jobId + " is not of its run's latest attempt");
            }
            rerun(List.of(job));
            return null;
        });
    }

    /** A new attempt of the run with each of its failed jobs queued again; refused as GitHub does. */
    @Override
    public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
        return world.later(Duration.ZERO, () -> {
            refuseIf(runs.refusal(repositoryFullName, runId));
            List<Job> failed = runs.failedJobs(runId);
            if (failed.isEmpty()) {
                throw new RerunRefusedException("run " + runId + " has no failed jobs");
            }
            rerun(failed);
            return null;
        });
    }

    private void rerun(List<Job> jobs) {
        List<Job> fresh = runs.rerun(jobs, nextJobId);
        nextJobId += fresh.size();
        for (int i = 0; i < fresh.size(); i++) {
            Job job = fresh.get(i);
            queued.put(job.id, job);
            world.log(Kind.JOB_RERUN, job.id, null, null, job.attempt, Long.toString(jobs.get(i).id));
            deliver(job, "queued", null);
        }
        assignJobs();
    }

    private static void refuseIf(Optional<String> refusal) {
        if (refusal.isPresent()) {
            throw new RerunRefusedException(refusal.get());
        }
    }
}
