package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random event sequences (seeded, so a failure replays) against a {@link FakeScaleSet} that runs
 * and reports the engine's calls in any order, and answers runner removals as GitHub would. After
 * every decision: no busy instance is re-imaged or deleted unless this very event ended its job;
 * no instance is re-imaged or deleted while GitHub runs the job it handed the runner when it
 * refused to remove it; only idle instances past their cool-down are drained, never below the
 * desired size (or stuck booting ones, or ones a listing shows stopped or deallocated); capacity stays within max and never below the instances the scale set has; the
 * busy store mirrors the busy instances.
 */
class BusySafetyPropertyTest {
    private static final int STEPS = 1_500;
    /** Phases in which a runner may be running a job the engine may not have heard of. */
    private static final Set<Phase> SERVING = EnumSet.of(Phase.PROVISIONING, Phase.IDLE, Phase.DRAINING, Phase.BUSY,
            Phase.FINISHING);
    /** Where a job-over (or configuration-failed) delivery takes such a runner, the planner perhaps further. */
    private static final Set<Phase> ENDED = EnumSet.of(Phase.FINISHING, Phase.FINISHED, Phase.PROVISIONING,
            Phase.REIMAGING, Phase.DELETING);

    private static final List<PoolSpec> SPECS = List.of(
            Pools.seed(),
            Pools.spec().min(0).max(5).free(0).build(),
            Pools.spec().min(2).max(6).free(50).afterJob(AfterJob.DELETE).build(),
            Pools.spec().min(0).max(3).free(100).finishGrace(Duration.ofSeconds(30)).build());

    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, Long.getLong("engine.property.seeds", 120)).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void busyInstancesAreNeverReimagedOrDeleted(long seed) {
        new Run(seed).run();
    }

    private static final class Run {
        private final ScalingEngine engine = new ScalingEngine();
        private final long seed;
        private final Random random;
        private final PoolSpec spec;
        private final FakeScaleSet azure;
        private final Set<String> marked = new HashSet<>();
        private final Deque<String> trace = new ArrayDeque<>();
        private PoolState state;
        private Instant now = T0;
        private long lastJob;
        /** No new jobs for a while, so that idle instances become surplus and are drained. */
        private boolean quiet;

        Run(long seed) {
            this.seed = seed;
            // Scrambled: java.util.Random's first values barely differ for neighbouring seeds.
            this.random = new Random(seed * 0x9E3779B97F4A7C15L);
            this.spec = SPECS.get((int) (seed % SPECS.size()));
            this.azure = new FakeScaleSet(random, spec.max());
            this.state = PoolState.empty(spec);
        }

        void run() {
            for (int step = 0; step < STEPS; step++) {
                now = now.plusMillis(random.nextInt(10) == 0 ? random.nextInt(600_000) : random.nextInt(5_000));
                PoolEvent event;
                try {
                    event = nextEvent();
                } catch (AssertionError e) {
                    throw failure(step, "the scale set: " + e.getMessage());
                }
                if (event == null) {
                    continue;
                }
                Decision d = engine.decide(state, event, now);
                remember(event, d);
                check(step, event, d);
                azure.heard(event);
                azure.take(d.commands());
                state = d.state();
            }
        }

        /** Scale-set work, then a mix of realistic deliveries (for the runner that fits) and random ones. */
        private PoolEvent nextEvent() {
            if (random.nextInt(150) == 0) {
                quiet = !quiet;
            }
            int roll = random.nextInt(100);
            if (roll < 15) {
                if (azure.canRun()) {
                    azure.runOne();
                }
                return null;
            }
            if (roll < 30) {
                return azure.canReport() ? azure.reportOne() : null;
            }
            if (roll < 32) {
                return azure.canRepeat() ? azure.repeatOne() : null;
            }
            if (roll < 33) {
                if (random.nextBoolean()) {
                    azure.breakOne();
                } else {
                    azure.powerOffOne();
                }
                return null;
            }
            return roll < 65 ? fittingDelivery(roll) : randomDelivery(roll);
        }

        /** What GitHub and the runners would plausibly send next. */
        private PoolEvent fittingDelivery(int roll) {
            if (roll < 42) {
                // quiet: runners boot and wait, so the pool ends up with surplus idle ones
                return quiet ? new PoolEvent.RunnerConfigRequested(runnerIn(Phase.PROVISIONING))
                        : new PoolEvent.JobQueued(++lastJob);
            }
            if (roll < 50) {
                if (quiet) { // queued jobs are cancelled: demand drops after growth
                    return state.queued().keySet().stream().findAny()
                            .<PoolEvent>map(j -> new PoolEvent.JobCompleted(j, null)).orElse(new PoolEvent.Tick());
                }
                long job = state.queued().keySet().stream().findAny().orElse(someJob());
                return new PoolEvent.JobStarted(job, runnerIn(Phase.IDLE));
            }
            if (roll < 55) {
                return new PoolEvent.RunnerJobFinishing(runnerIn(Phase.BUSY));
            }
            if (roll < 60) {
                Instance busy = instanceIn(Phase.BUSY, Phase.FINISHING);
                return busy == null ? new PoolEvent.Tick()
                        : random.nextBoolean() ? new PoolEvent.JobCompleted(busy.jobId(), busy.name())
                        : gone(busy.name());
            }
            return new PoolEvent.RunnerConfigRequested(runnerIn(Phase.PROVISIONING));
        }

        /** Anything at all, for anyone: duplicates, strangers, late and early deliveries. */
        private PoolEvent randomDelivery(int roll) {
            if (roll < 68) {
                return new PoolEvent.JobQueued(someJob());
            }
            if (roll < 72) {
                return new PoolEvent.JobStarted(someJob(), someRunner());
            }
            if (roll < 76) {
                return new PoolEvent.JobCompleted(someJob(), random.nextInt(5) == 0 ? null : someRunner());
            }
            if (roll < 79) {
                return new PoolEvent.RunnerJobStarted(someRunner());
            }
            if (roll < 82) {
                return new PoolEvent.RunnerJobFinishing(someRunner());
            }
            if (roll < 85) {
                return gone(someRunner());
            }
            if (roll < 89) {
                return new PoolEvent.RunnerConfigRequested(someRunner());
            }
            if (roll < 91) {
                return new PoolEvent.RunnerConfigFailed(someRunner());
            }
            if (roll < 92) {
                return new PoolEvent.RefreshRequested();
            }
            if (roll < 93) {
                // The store as a reconcile pass reads it: some true markers, some stale, some missing.
                Set<String> stored = marked.stream().filter(r -> random.nextBoolean()).collect(Collectors.toSet());
                stored.add(someRunner().toLowerCase(Locale.ROOT));
                Set<Long> waiting = state.queued().keySet().stream().filter(j -> random.nextBoolean()).collect(Collectors.toSet());
                waiting.add(someJob());
                return new PoolEvent.MarkersObserved(stored, waiting);
            }
            if (roll < 95) {
                return new PoolEvent.RunnerRemovalRefused(someRunner(), random.nextInt(50), "stray");
            }
            return new PoolEvent.Tick();
        }

        /**
         * A reconcile's GitHub listing, asked for now, in which the runner is gone if its instance
         * is busy: the way a job ends without its webhook. Every other configured runner is listed
         * as the engine believes it, so that the listing claims nothing else.
         */
        private PoolEvent gone(String runner) {
            List<ObservedRunner> runners = state.instances().values().stream()
                    .filter(i -> i.phase() == Phase.IDLE || i.phase().isBusy())
                    .filter(i -> !(i.phase().isBusy() && i.name().equalsIgnoreCase(runner)))
                    .map(i -> new ObservedRunner(i.name(), true, i.phase().isBusy(), true))
                    .toList();
            return new PoolEvent.RunnersObserved(now, runners);
        }

        private Instance instanceIn(Phase... phases) {
            List<Instance> in = state.instances().values().stream()
                    .filter(i -> List.of(phases).contains(i.phase())).toList();
            return in.isEmpty() ? null : in.get(random.nextInt(in.size()));
        }

        /** A runner in that phase if there is one, else any runner. */
        private String runnerIn(Phase phase) {
            Instance i = instanceIn(phase);
            return i == null ? someRunner() : i.name();
        }

        /** Mostly a recent job, sometimes an old one. */
        private long someJob() {
            if (lastJob == 0) {
                return 1;
            }
            return random.nextInt(4) == 0 ? 1 + random.nextInt((int) lastJob) : lastJob - random.nextInt((int) Math.min(lastJob, 6));
        }

        /** Mostly a runner the engine knows, else one the scale set has, else a stranger; sometimes in upper case. */
        private String someRunner() {
            List<String> known = state.instances().values().stream().map(Instance::name).toList();
            List<String> azureNames = azure.names();
            int roll = random.nextInt(10);
            String name;
            if (roll < 6 && !known.isEmpty()) {
                name = known.get(random.nextInt(known.size()));
            } else if (roll < 9 && !azureNames.isEmpty()) {
                name = azureNames.get(random.nextInt(azureNames.size()));
            } else {
                name = Pools.name(String.valueOf(random.nextInt(40)));
            }
            return random.nextInt(10) == 0 ? name.toUpperCase(Locale.ROOT) : name;
        }

        private void check(int step, PoolEvent event, Decision d) {
            PoolState before = state;
            PoolState after = d.state();
            toldJobOver(event, before, after);
            for (PoolCommand c : d.commands()) {
                if (c instanceof PoolCommand.ReimageInstances r) {
                    recycled(step, event, before, after, r.operation(), Phase.REIMAGING);
                    notUnderGitHubsJob(step, event, before, r.operation());
                } else if (c instanceof PoolCommand.DeleteInstances del) {
                    recycled(step, event, before, after, del.operation(), Phase.DELETING);
                    notUnderGitHubsJob(step, event, before, del.operation());
                } else if (c instanceof PoolCommand.RemoveRunner rr) {
                    drained(step, event, before, after, rr.runnerName());
                } else if (c instanceof PoolCommand.SetCapacity s) {
                    capacity(step, after, s.operation().capacity());
                } else if (c instanceof PoolCommand.MarkBusy m) {
                    marked.add(m.runnerName().toLowerCase(Locale.ROOT));
                } else if (c instanceof PoolCommand.ClearBusy cb) {
                    marked.remove(cb.runnerName().toLowerCase(Locale.ROOT));
                }
            }
            long changes = after.operations().stream().filter(o -> o.kind() == Operation.Kind.SET_CAPACITY).count();
            require(changes <= 1, step, changes + " capacity changes in flight");
            // The store holds exactly the instances that ran a job and are not recycled yet: every
            // busy one, and no fresh one (a restart would take a used VM for a booting one otherwise).
            Set<String> used = after.instances().values().stream().filter(Instance::marked)
                    .map(i -> i.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            require(used.equals(marked), step, "busy store " + marked + " but marked instances " + used);
            after.instances().values().stream().filter(i -> i.phase().isBusy() != i.marked() && !usedAwaitingRecycle(i))
                    .findFirst().ifPresent(i -> require(false, step, "marker out of step with the phase: " + i));
        }

        private static boolean usedAwaitingRecycle(Instance i) {
            return i.marked() && EnumSet.of(Phase.FINISHED, Phase.REIMAGING, Phase.DELETING, Phase.FAILED).contains(i.phase());
        }

        private void recycled(int step, PoolEvent event, PoolState before, PoolState after, Operation op, Phase phase) {
            for (String id : op.instanceIds()) {
                Instance was = before.instances().get(id);
                require(was == null || !was.phase().isBusy() || jobReallyOver(was, event), step,
                        op.kind() + " names busy instance " + was);
                Instance is = after.instances().get(id);
                require(is != null && is.phase() == phase, step, op.kind() + " of " + id + " left it " + is);
            }
        }

        /**
         * Deliveries that say a runner's job is over (or that it never got its configuration),
         * when the engine acts on them: from then on it may recycle the instance, whatever GitHub
         * really runs there. Random deliveries make such claims for any runner.
         */
        private void toldJobOver(PoolEvent event, PoolState before, PoolState after) {
            String runner = event instanceof PoolEvent.JobCompleted c ? c.runnerName()
                    : event instanceof PoolEvent.RunnerJobFinishing f ? f.runnerName()
                    : event instanceof PoolEvent.RunnerConfigFailed f ? f.runnerName()
                    : null;
            List<String> runners = event instanceof PoolEvent.RunnersObserved o
                    ? before.instances().values().stream().filter(i -> listedGone(o, i)).map(Instance::name).toList()
                    : runner == null ? List.of() : List.of(runner);
            for (String r : runners) {
                Phase was = before.byName(r).map(Instance::phase).orElse(null);
                Phase is = after.byName(r).map(Instance::phase).orElse(null);
                if (was != is && SERVING.contains(was) && ENDED.contains(is)) {
                    azure.forgetJob(r);
                }
            }
        }

        /** The listing, asked for after the instance's phase began, shows its runner gone or offline with no job. */
        private static boolean listedGone(PoolEvent.RunnersObserved o, Instance i) {
            return i.since().isBefore(o.listedAt()) && o.runners().stream()
                    .noneMatch(r -> r.name().equalsIgnoreCase(i.name()) && (r.online() || r.busy()));
        }

        /**
         * GitHub refused to remove the runner because it had just handed it a job: the instance
         * must not be re-imaged or deleted while that job runs, whether or not the engine has
         * heard of the job yet. Azure reporting the instance failed is the one other way out.
         */
        private void notUnderGitHubsJob(int step, PoolEvent event, PoolState before, Operation op) {
            for (String id : op.instanceIds()) {
                String runner = Pools.name(id);
                if (azure.jobOn(runner).isEmpty()) {
                    continue;
                }
                Instance was = before.instances().get(id);
                boolean failed = was != null && was.phase() == Phase.FAILED
                        || event instanceof PoolEvent.InstancesObserved o && o.instances().stream()
                                .anyMatch(i -> i.instanceId().equals(id) && i.state() == ProvisioningState.FAILED);
                require(failed, step, op.kind() + " names " + id + " whose removal GitHub refused: it runs job "
                        + azure.jobOn(runner).getAsLong() + " there; was " + was);
                azure.forgetJob(runner);
            }
        }

        /**
         * Only an idle instance past its cool-down is drained, never below the desired size, or one
         * that booted too long, or an idle or booting one the listing in hand shows powered off.
         */
        private void drained(int step, PoolEvent event, PoolState before, PoolState after, String runner) {
            Instance was = before.byName(runner).orElse(null);
            boolean surplusIdle = was != null && was.phase() == Phase.IDLE && !was.since().plus(spec.idleCooldown()).isAfter(now);
            boolean stuckBooting = was != null && was.phase() == Phase.PROVISIONING
                    && !was.since().plus(spec.bootTimeout()).isAfter(now);
            boolean listedOff = event instanceof PoolEvent.InstancesObserved o && o.instances().stream()
                    .anyMatch(i -> i.name().equalsIgnoreCase(runner) && i.power().isOff())
                    && (was == null || was.phase() == Phase.IDLE || was.phase() == Phase.PROVISIONING);
            require(surplusIdle || stuckBooting || listedOff, step, "drained " + runner + ", was " + was);
            Instance is = after.byName(runner).orElse(null);
            require(is != null && is.phase() == Phase.DRAINING, step, "drained " + runner + " left it " + is);
            // A stuck or stopped instance is replaced whatever the demand; only a surplus one must leave enough.
            require(stuckBooting || listedOff || after.live() >= after.desired(), step,
                    "drained below the desired size: live " + after.live() + ", desired " + after.desired());
        }

        /** The only ways a busy instance may be recycled in the decision that sees them. */
        private boolean jobReallyOver(Instance was, PoolEvent event) {
            return event instanceof PoolEvent.JobCompleted c && was.name().equalsIgnoreCase(c.runnerName())
                    || event instanceof PoolEvent.RunnersObserved o && listedGone(o, was)
                    || was.phase() == Phase.FINISHING && !was.since().plus(spec.finishGrace()).isAfter(now);
        }

        private void capacity(int step, PoolState after, int target) {
            require(target <= spec.max(), step, "capacity " + target + " above max");
            require(target > after.instances().size(), step, "capacity " + target + " not above the known count");
            require(!now.isBefore(after.backoffUntil()), step, "capacity change while backing off");
            require(after.growthRefusal().isEmpty() || !now.isBefore(after.growthRefusal().get().until()), step,
                    "capacity change while Azure's refusal backs off");
            require(after.instances().values().stream().noneMatch(i -> i.phase() == Phase.DELETING), step,
                    "capacity change while deleting");
        }

        private void require(boolean ok, int step, String what) {
            if (!ok) {
                throw failure(step, what);
            }
        }

        private void remember(PoolEvent event, Decision d) {
            trace.addLast(Duration.between(T0, now).toSeconds() + "s " + event + " -> " + d.commands());
            if (trace.size() > 30) {
                trace.removeFirst();
            }
        }

        private AssertionError failure(int step, String what) {
            return new AssertionError("seed " + seed + ", step " + step + ", " + spec + ": " + what
                    + "\nstate before: " + state + "\nlast events:\n  " + String.join("\n  ", trace));
        }
    }
}
