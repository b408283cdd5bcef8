package io.vmssrunnerscaler.intake;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.pool.LabelRouter;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.shell.PoolLoop;
import io.vmssrunnerscaler.shell.SpanningPool;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns deliveries and runner calls into pool events: verifies nothing (the HTTP layer does),
 * routes, records, answers. The work is left to the pool loops.
 */
public final class Intake {
    private final List<PoolLoop> loops;
    private final List<SpanningPool> pools;
    private final LabelRouter router;
    private final GitHubPort gitHub;
    /** Hand out registration tokens (the original design's mode) instead of JIT configurations. */
    private final boolean registrationTokens;

    public Intake(Collection<PoolLoop> loops, List<SpanningPool> pools, GitHubPort gitHub, boolean registrationTokens) {
        this.registrationTokens = registrationTokens;
        this.loops = List.copyOf(loops);
        this.pools = pools;
        this.router = new LabelRouter(loops.stream().map(PoolLoop::pool).toList());
        this.gitHub = gitHub;
    }

    public IntakeOutcome workflowJob(WorkflowJob job) {
        if (!router.servesScope(job.repositoryFullName(), job.organisation())) {
            return new IntakeOutcome.Ignored("no pool serves " + job.repositoryFullName());
        }
        String action = job.action().toLowerCase(Locale.ROOT);
        Optional<SpanningPool> pool = byLabels(job);
        Optional<PoolLoop> loop = switch (action) {
            case "queued", "waiting" -> pool.map(p -> p.holding(job.jobId()).orElseGet(p::forNewJob));
            case "in_progress", "completed" -> byRunner(job.runnerName()).or(() -> byRunnerName(job.runnerName()))
                    .or(() -> pool.map(p -> p.holding(job.jobId()).orElseGet(p::forNewJob)));
            default -> Optional.empty();
        };
        if (loop.isEmpty()) {
            return new IntakeOutcome.Ignored(switch (action) {
                case "queued", "waiting", "in_progress", "completed" -> "no pool has labels " + job.labels();
                default -> "action " + job.action() + " needs nothing";
            });
        }
        PoolEvent event = switch (action) {
            case "queued", "waiting" -> new PoolEvent.JobQueued(job.jobId(), job.repositoryFullName(), null);
            case "in_progress" -> new PoolEvent.JobStarted(job.jobId(), job.runnerName());
            default -> new PoolEvent.JobCompleted(job.jobId(), job.runnerName());
        };
        if (!(event instanceof PoolEvent.JobQueued)) {
            // Waiting in one scale set, run by a runner of another: the first stops counting it.
            pools.stream().filter(p -> p.members().contains(loop.get())).forEach(p -> p.handedTo(loop.get(), job.jobId()));
        }
        return offer(loop.get(), event);
    }

    public IntakeOutcome runnerJobStarted(String runnerName) {
        return byRunner(runnerName).map(l -> offer(l, new PoolEvent.RunnerJobStarted(runnerName)))
                .orElseGet(() -> unknownRunner(runnerName));
    }

    public IntakeOutcome runnerJobFinishing(String runnerName) {
        return byRunner(runnerName).map(l -> offer(l, new PoolEvent.RunnerJobFinishing(runnerName)))
                .orElseGet(() -> unknownRunner(runnerName));
    }

    /** The loop of the pool that has an instance of this name, if any. */
    public Optional<PoolLoop> poolOfRunner(String runnerName) {
        return byRunner(runnerName);
    }

    /** Grants a one-time configuration to a freshly (re)imaged instance, at most once. */
    public Uni<ConfigAnswer> requestRunnerConfig(String runnerName) {
        Optional<PoolLoop> found = byRunner(runnerName);
        if (found.isEmpty()) {
            unknownRunner(runnerName);
            return Uni.createFrom().item(new ConfigAnswer.Rejected(PoolCommand.ConfigRejection.UNKNOWN_INSTANCE));
        }
        PoolLoop loop = found.get();
        return loop.ask(new PoolEvent.RunnerConfigRequested(runnerName)).flatMap(decision -> {
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
                        new ConfigAnswer.Granted(pool.name(), grant.instanceId(), grant.runnerName(), null, token))
                : gitHub.createRunnerConfig(pool.scope(), grant.runnerName(), pool.labels(), pool.runnerGroup()).map(config ->
                        new ConfigAnswer.Granted(pool.name(), grant.instanceId(), grant.runnerName(), config, null));
        return answer.onFailure().invoke(e -> loop.offer(new PoolEvent.RunnerConfigFailed(grant.runnerName())));
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
