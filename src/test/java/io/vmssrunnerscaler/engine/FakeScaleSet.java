package io.vmssrunnerscaler.engine;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scale set in memory for property tests, with just enough of GitHub to answer runner
 * removals. It runs the engine's calls in any order, some of them failing, and reports the
 * results in any order, some of them twice. A listing is taken when it runs, so it may be stale
 * by the time it is reported - as in Azure.
 *
 * <p>GitHub refuses to remove a runner it has handed a job. When the removal of an idle runner
 * runs (one configured since its last re-image, and of which no job has been heard since), GitHub
 * may have just handed it a job: the removal is refused ({@link PoolEvent.RunnerRemovalRefused}),
 * and the job's {@code in_progress} (sometimes the runner's hook too) and, once that is reported,
 * its {@code completed} join the results, all in random order. Otherwise the runner is removed
 * ({@link PoolEvent.RunnerRemoved}), or GitHub fails and the removal is refused without a job.
 *
 * <p>Capacity changes run as the shell runs them: one at a time, a change that has not run yet
 * is dropped when the engine raises it (the shell sends only the latest), and the next runs only
 * once the engine has heard the answer to the one before (a PATCH is absolute: two of them racing
 * could let the smaller one land last).
 *
 * <p>Answers carry the drain id of the removal they answer and are delivered late and repeated
 * like every other result: an answer to an earlier drain of a re-imaged instance (which keeps its
 * name) must not end a later drain.
 */
final class FakeScaleSet {
    /** GitHub's own jobs get ids no random delivery uses. */
    private static final long FIRST_GITHUB_JOB = 1_000_000;

    private final Random random;
    private final int max;
    /** Instance id to whether Azure reports it failed. */
    private final TreeMap<String, Boolean> vms = new TreeMap<>(Operation.INSTANCE_ID_ORDER);
    /** Instances an operator stopped or deallocated; Azure lists them so until they are deleted or re-imaged. */
    private final Set<String> off = new HashSet<>();
    private final List<Call> issued = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private final List<Result> reported = new ArrayList<>();
    /** Runner (lower case) to how many removals the engine has asked for. */
    private final Map<String, Integer> removals = new HashMap<>();
    /** GitHub: runner (lower case) to the job it handed the runner while its removal was on its way. */
    private final Map<String, Long> jobs = new HashMap<>();
    /** GitHub: runners (lower case) registered and waiting for a job; an ephemeral runner takes one job only. */
    private final Set<String> idleRunners = new HashSet<>();
    private long nextJob = FIRST_GITHUB_JOB;
    private int nextId;
    /** The capacity change that ran and whose answer the engine has not heard yet; 0 when none. */
    private long capacityUnanswered;

    /** A call taken from the engine; a removal knows which of the runner's removals it is. */
    private record Call(PoolCommand command, int removal) {}

    /** A result waiting to be reported; an answer to a removal knows which removal it answers. */
    private record Result(PoolEvent event, int removal) {}

    FakeScaleSet(Random random, int max) {
        this.random = random;
        this.max = max;
    }

    void take(List<PoolCommand> commands) {
        for (PoolCommand c : commands) {
            if (c instanceof PoolCommand.SetCapacity) {
                issued.removeIf(call -> call.command() instanceof PoolCommand.SetCapacity);
                issued.add(new Call(c, 0));
            } else if (c instanceof PoolCommand.ScaleSetCall) {
                issued.add(new Call(c, 0));
            } else if (c instanceof PoolCommand.RemoveRunner r) {
                issued.add(new Call(c, removals.merge(key(r.runnerName()), 1, Integer::sum)));
            } else if (c instanceof PoolCommand.GrantRunnerConfig g) {
                idleRunners.add(key(g.runnerName()));
            }
        }
    }

    /** The engine heard this: a runner that job news names (or whose configuration failed) is not idle at GitHub. */
    void heard(PoolEvent e) {
        String runner = e instanceof PoolEvent.JobStarted s ? s.runnerName()
                : e instanceof PoolEvent.JobCompleted c ? c.runnerName()
                : e instanceof PoolEvent.RunnerJobStarted s ? s.runnerName()
                : e instanceof PoolEvent.RunnerJobFinishing f ? f.runnerName()
                : e instanceof PoolEvent.RunnerConfigFailed f ? f.runnerName()
                : null;
        if (runner != null) {
            idleRunners.remove(key(runner));
        }
    }

    boolean canRun() {
        return issued.stream().anyMatch(this::mayRun);
    }

    private boolean mayRun(Call call) {
        return capacityUnanswered == 0 || !(call.command() instanceof PoolCommand.SetCapacity);
    }

    boolean canReport() {
        return !results.isEmpty();
    }

    boolean canRepeat() {
        return !reported.isEmpty();
    }

    /** Runs one issued call, chosen at random; its result waits to be reported. */
    void runOne() {
        List<Call> runnable = issued.stream().filter(this::mayRun).toList();
        Call call = runnable.get(random.nextInt(runnable.size()));
        issued.remove(call);
        if (call.command() instanceof PoolCommand.RemoveRunner r) {
            removeRunner(r.runnerName(), r.drainId(), call.removal());
            return;
        }
        Operation op = ((PoolCommand.ScaleSetCall) call.command()).operation();
        boolean fails = random.nextInt(10) == 0;
        if (op.kind() == Operation.Kind.SET_CAPACITY) {
            capacityUnanswered = op.id();
        }
        results.add(new Result(switch (op.kind()) {
            case SET_CAPACITY -> setCapacity(op, fails);
            case REIMAGE -> reimage(op, fails);
            case DELETE -> delete(op, fails);
            case LIST -> list(op, fails);
            case DRAIN -> throw new IllegalStateException("drains are answered by GitHub, not the scale set");
        }, 0));
    }

    /** Reports one result, chosen at random. */
    PoolEvent reportOne() {
        Result r = results.remove(random.nextInt(results.size()));
        reported.add(r);
        PoolEvent e = r.event();
        long answered = e instanceof PoolEvent.OperationSucceeded ok ? ok.operationId()
                : e instanceof PoolEvent.OperationFailed failed ? failed.operationId()
                : e instanceof PoolEvent.CapacityRefused refused ? refused.operationId() : 0;
        if (answered != 0 && answered == capacityUnanswered) {
            capacityUnanswered = 0;
        }
        if (e instanceof PoolEvent.JobStarted started && started.jobId() >= FIRST_GITHUB_JOB) {
            results.add(new Result(new PoolEvent.JobCompleted(started.jobId(), started.runnerName()), 0));
        } else if (e instanceof PoolEvent.JobCompleted done && done.jobId() >= FIRST_GITHUB_JOB) {
            jobs.remove(key(done.runnerName()), done.jobId());
        }
        return e;
    }

    PoolEvent repeatOne() {
        return reported.get(random.nextInt(reported.size())).event();
    }

    /** The job GitHub handed this runner when it refused to remove it, while GitHub runs it. */
    OptionalLong jobOn(String runnerName) {
        Long job = jobs.get(key(runnerName));
        return job == null ? OptionalLong.empty() : OptionalLong.of(job);
    }

    /** The engine was told this runner's job is over (or that it never was configured): stop tracking it. */
    void forgetJob(String runnerName) {
        jobs.remove(key(runnerName));
    }

    /** Azure flags a random instance failed. */
    void breakOne() {
        if (!vms.isEmpty()) {
            List<String> ids = List.copyOf(vms.keySet());
            vms.put(ids.get(random.nextInt(ids.size())), true);
        }
    }

    /** An operator stops or deallocates a random instance, whatever runs there. */
    void powerOffOne() {
        if (!vms.isEmpty()) {
            List<String> ids = List.copyOf(vms.keySet());
            off.add(ids.get(random.nextInt(ids.size())));
        }
    }

    List<String> names() {
        return vms.keySet().stream().map(Pools::name).toList();
    }

    int size() {
        return vms.size();
    }

    private PoolEvent setCapacity(Operation op, boolean fails) {
        if (op.capacity() < vms.size()) {
            throw new AssertionError("capacity " + op.capacity() + " below the " + vms.size()
                    + " instances of the scale set: Azure would delete instances of its own choice");
        }
        // A failed PATCH may have partly happened.
        int target = fails ? vms.size() + random.nextInt(op.capacity() - vms.size() + 1) : op.capacity();
        while (vms.size() < target) {
            vms.put(String.valueOf(nextId++), false);
        }
        if (vms.size() > max) {
            throw new AssertionError(vms.size() + " instances, above max " + max);
        }
        if (fails && random.nextBoolean()) {
            // Azure refused capacity (quota, allocation), perhaps after making part of it.
            return new PoolEvent.CapacityRefused(op.id(), "AllocationFailed", "no capacity in the region");
        }
        return outcome(op, fails);
    }

    private PoolEvent reimage(Operation op, boolean fails) {
        if (fails || !vms.keySet().containsAll(op.instanceIds())) {
            return outcome(op, true);
        }
        op.instanceIds().forEach(id -> {
            vms.put(id, false);
            off.remove(id); // the fake's choice: a re-imaged VM runs again
            jobs.remove(key(Pools.name(id))); // the runner goes with the disk
            idleRunners.remove(key(Pools.name(id)));
        });
        return outcome(op, false);
    }

    private PoolEvent delete(Operation op, boolean fails) {
        if (!fails) {
            op.instanceIds().forEach(id -> {
                vms.remove(id); // an instance already gone counts as deleted
                off.remove(id);
                jobs.remove(key(Pools.name(id)));
                idleRunners.remove(key(Pools.name(id)));
            });
        }
        return outcome(op, fails);
    }

    /** GitHub's answer to a removal; see the class comment. */
    private void removeRunner(String runnerName, long drainId, int removal) {
        String runner = key(runnerName);
        PoolEvent answer;
        if (jobs.containsKey(runner)) {
            answer = new PoolEvent.RunnerRemovalRefused(runnerName, drainId, "runner is running a job");
        } else if (idleRunners.contains(runner) && random.nextBoolean()) {
            long job = nextJob++;
            idleRunners.remove(runner);
            jobs.put(runner, job);
            answer = new PoolEvent.RunnerRemovalRefused(runnerName, drainId, "runner is running a job");
            results.add(new Result(new PoolEvent.JobStarted(job, runnerName), 0));
            if (random.nextBoolean()) {
                results.add(new Result(new PoolEvent.RunnerJobStarted(runnerName), 0));
            }
        } else if (random.nextInt(10) == 0) {
            answer = new PoolEvent.RunnerRemovalRefused(runnerName, drainId, "injected");
        } else {
            idleRunners.remove(runner);
            answer = new PoolEvent.RunnerRemoved(runnerName, drainId); // also when no such runner exists
        }
        results.add(new Result(answer, removal));
    }

    private static String key(String runnerName) {
        return runnerName.toLowerCase(Locale.ROOT);
    }

    private PoolEvent list(Operation op, boolean fails) {
        if (fails) {
            return outcome(op, true);
        }
        List<ObservedInstance> seen = vms.entrySet().stream()
                .map(e -> new ObservedInstance(e.getKey(), Pools.name(e.getKey()),
                        e.getValue() ? ProvisioningState.FAILED : ProvisioningState.SUCCEEDED,
                        off.contains(e.getKey()) ? ObservedInstance.PowerState.DEALLOCATED : ObservedInstance.PowerState.RUNNING))
                .toList();
        return new PoolEvent.InstancesObserved(op.id(), seen);
    }

    private static PoolEvent outcome(Operation op, boolean fails) {
        return fails ? new PoolEvent.OperationFailed(op.id(), "injected") : new PoolEvent.OperationSucceeded(op.id());
    }
}
