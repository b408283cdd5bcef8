package io.vmssrunnerscaler.shell;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.pool.LabelRouter;
import io.vmssrunnerscaler.pool.Pool;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns deliveries and runner calls into pool events: verifies nothing (the HTTP layer does),
 * routes, records, answers. The work is left to the pool loops. A delivery is routed by its labels
 * (or, once a runner has it, by the runner's name); a runner's hook by the pool its token names.
 */
public final class Intake implements JobIntake {
    private final LostJobs lostJobs;
    private final UnservedDemand unserved;
    private final List<PoolLoop> loops;
    private final List<SpanningPool> pools;
    private final LabelRouter router;
    private final GitHubPort gitHub;
    /** Hand out registration tokens (the original design's mode) instead of JIT configurations. */
    private final boolean registrationTokens;

    public Intake(Collection<PoolLoop> loops, List<SpanningPool> pools, GitHubPort gitHub, boolean registrationTokens,
            LostJobs lostJobs, UnservedDemand unserved) {
        this.lostJobs = lostJobs;
        this.unserved = unserved;
        this.registrationTokens = registrationTokens;
        this.loops = List.copyOf(loops);
        this.pools = pools;
        this.router = new LabelRouter(loops.stream().map(PoolLoop::pool).toList());
        this.gitHub = gitHub;
    }

    @Override
    public IntakeOutcome workflowJob(WorkflowJob job) {
        if (!router.servesScope(job.repositoryFullName(), job.organisation())) {
            return new IntakeOutcome.Ignored("no pool serves " + job.repositoryFullName());
        }
        String action = job.action().toLowerCase(Locale.ROOT);
        if (action.equals("completed")) {
            lostJobs.completed(job); // how a lost job ended, whichever pool it was lost in
        }
        Optional<SpanningPool> pool = byLabels(job);
        Optional<PoolLoop> loop = switch (action) {
            case "queued", "waiting" -> pool.map(p -> p.route(job.jobId()));
            case "in_progress", "completed" -> byRunner(job.runnerName()).or(() -> byRunnerName(job.runnerName()))
                    .or(() -> pool.map(p -> p.route(job.jobId())));
            default -> Optional.empty();
        };
        if (loop.isEmpty()) {
            if (action.equals("queued") || action.equals("waiting")) {
                unserved.record(job);
            }
            return new IntakeOutcome.Ignored(switch (action) {
                case "queued", "waiting", "in_progress", "completed" -> "no pool has labels " + job.labels();
                default -> "action " + job.action() + " needs nothing";
            });
        }
        PoolEvent event = switch (action) {
            case "queued", "waiting" -> new PoolEvent.JobQueued(job.jobId(), job.repositoryFullName(), null,
                    job.createdAt());
            case "in_progress" -> new PoolEvent.JobStarted(job.jobId(), job.runnerName(), job.repositoryFullName());
            default -> new PoolEvent.JobCompleted(job.jobId(), job.runnerName());
        };
        if (!(event instanceof PoolEvent.JobQueued)) {
            // Waiting in one scale set, run by a runner of another: the first stops counting it.
            pools.stream().filter(p -> p.members().contains(loop.get())).forEach(p -> p.handedTo(loop.get(), job.jobId()));
        }
        return offer(loop.get(), event);
    }

    /**
     * A runner's job-started hook. The hook token names the runner's pool (its loop) and instance:
     * the call goes to that loop alone, and only if the loop's instance of that name is the one the
     * token was issued to (a re-imaged or replaced VM of the same name has a new instance).
     */
    @Override
    public IntakeOutcome runnerJobStarted(RunnerIdentity runner) {
        return runnerHook(runner, new PoolEvent.RunnerJobStarted(runner.runnerName()));
    }

    /** A runner's job-completed hook, routed as {@link #runnerJobStarted}. */
    @Override
    public IntakeOutcome runnerJobFinishing(RunnerIdentity runner) {
        return runnerHook(runner, new PoolEvent.RunnerJobFinishing(runner.runnerName()));
    }

    /** The runner's VM saw it online at GitHub; routed and checked as {@link #runnerJobStarted}. */
    @Override
    public IntakeOutcome runnerOnline(RunnerIdentity runner) {
        return runnerHook(runner, new PoolEvent.RunnerOnline(runner.runnerName()));
    }

    /**
     * The runner's VM announces that Azure takes it away (its watcher of Azure's scheduled events
     * saw a {@code Preempt} or {@code Terminate}); routed and checked as {@link #runnerJobStarted}.
     */
    @Override
    public IntakeOutcome instanceEvicted(RunnerIdentity runner, PoolEvent.EvictionKind kind) {
        return runnerHook(runner, new PoolEvent.InstanceEvicted(runner.runnerName(), kind));
    }

    private IntakeOutcome runnerHook(RunnerIdentity runner, PoolEvent event) {
        Optional<PoolLoop> loop = loops.stream().filter(l -> l.pool().name().equals(runner.pool())).findFirst();
        Optional<String> instanceId = loop.flatMap(l -> l.state().byName(runner.runnerName())).map(i -> i.instanceId());
        if (instanceId.isEmpty()) {
            return new IntakeOutcome.UnknownRunner(runner.pool(), runner.runnerName());
        }
        if (!instanceId.get().equals(runner.instanceId())) {
            return new IntakeOutcome.WrongInstance(runner.pool(), runner.runnerName());
        }
        return offer(loop.get(), event);
    }

    /** Grants a one-time configuration to a freshly (re)imaged instance, at most once; no proof asked. */
    public Uni<ConfigAnswer> requestRunnerConfig(String runnerName) {
        return requestRunnerConfig(runnerName, null);
    }

    /** Grants a one-time configuration to a freshly (re)imaged instance, at most once. */
    @Override
    public Uni<ConfigAnswer> requestRunnerConfig(String runnerName, AttestedInstance proof) {
        Optional<PoolLoop> found = byRunner(runnerName);
        if (found.isEmpty()) {
            unknownRunner(runnerName);
            return Uni.createFrom().item(new ConfigAnswer.Rejected(PoolCommand.ConfigRejection.UNKNOWN_INSTANCE));
        }
        PoolLoop loop = found.get();
        if (proof != null && !loop.pool().scaleSet().subscription().equalsIgnoreCase(proof.subscriptionId())) {
            // A VM of another subscription is another VM, whatever its id.
            return Uni.createFrom().item(new ConfigAnswer.Rejected(PoolCommand.ConfigRejection.WRONG_VM));
        }
        PoolEvent.RunnerConfigRequested request = new PoolEvent.RunnerConfigRequested(runnerName,
                proof == null ? null : proof.vmId());
        return loop.ask(request).flatMap(decision -> {
            for (PoolCommand c : decision.commands()) {
                if (c instanceof PoolCommand.GrantRunnerConfig grant) {
                    return createConfig(loop, grant);
                }
                if (c instanceof PoolCommand.RejectRunnerConfig reject) {
                    return Uni.createFrom().item(new ConfigAnswer.Rejected(reject.reason()));
                }
            }
            return Uni.createFrom().failure(new IllegalStateException("no answer for " + runnerName));
        });
    }

    private Uni<ConfigAnswer> createConfig(PoolLoop loop, PoolCommand.GrantRunnerConfig grant) {
        Pool pool = loop.pool();
        Uni<ConfigAnswer> answer = registrationTokens
                ? gitHub.createRegistrationToken(pool.scope()).map(token ->
                        new ConfigAnswer.Granted(identity(pool, grant), pool.scope(), pool.labels(), null, token))
                : gitHub.createRunnerConfig(pool.scope(), grant.runnerName(), pool.labels(), pool.runnerGroup()).map(config ->
                        new ConfigAnswer.Granted(identity(pool, grant), pool.scope(), pool.labels(), config, null));
        return answer.onFailure().invoke(e -> loop.offer(new PoolEvent.RunnerConfigFailed(grant.runnerName())));
    }

    private static RunnerIdentity identity(Pool pool, PoolCommand.GrantRunnerConfig grant) {
        return new RunnerIdentity(pool.name(), grant.instanceId(), grant.runnerName());
    }

    private Optional<SpanningPool> byLabels(WorkflowJob job) {
        return router.route(job.labels(), job.repositoryFullName(), job.organisation())
                .flatMap(pool -> pools.stream().filter(p -> p.name().equals(pool.poolName())).findFirst());
    }

    /** The pool whose latest snapshot has an instance of this name. */
    private Optional<PoolLoop> byRunner(String runnerName) {
        if (runnerName == null) {
            return Optional.empty();
        }
        return loops.stream().filter(l -> l.state().byName(runnerName).isPresent()).findFirst();
    }

    /** The pool (scale set) whose naming the runner's name follows, for a runner not listed yet. */
    private Optional<PoolLoop> byRunnerName(String runnerName) {
        return loops.stream().filter(l -> l.pool().ownsRunner(runnerName)).findFirst();
    }

    /** Perhaps not listed yet: have every pool look again, so that a retry can succeed. */
    private IntakeOutcome unknownRunner(String runnerName) {
        loops.forEach(l -> l.offer(new PoolEvent.RefreshRequested()));
        return new IntakeOutcome.Ignored("no pool has an instance named " + runnerName);
    }

    private static IntakeOutcome offer(PoolLoop loop, PoolEvent event) {
        return loop.offer(event) ? new IntakeOutcome.Accepted(loop.pool().name())
                : new IntakeOutcome.Overloaded(loop.pool().name());
    }
}
