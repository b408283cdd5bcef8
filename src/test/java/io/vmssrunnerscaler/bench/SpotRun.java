package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.InProcessEndpoints;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.shell.PoolListener;
import io.vmssrunnerscaler.shell.Scaler;
import io.vmssrunnerscaler.shell.ShellContext;
import io.vmssrunnerscaler.sim.SimEvent;
import io.vmssrunnerscaler.sim.SimEventLog;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * The scaler on a pool of a Spot scale set then a Regular one ({@code linux-spot}, then
 * {@code linux-regular}, max half the pool's each, the pool's min on the Spot one), re-running lost
 * jobs, in the simulated world with Azure's throttling enforced and these losses, on a virtual clock.
 * Read from the simulator's ground truth: every job counts once, as the piece of work it is, whatever
 * re-runs it took.
 */
final class SpotRun {
    static final String SPOT = "linux-spot";
    static final String REGULAR = "linux-regular";

    /**
     * @param lostForGood jobs that never succeeded, nor did any re-run of them
     * @param failed jobs GitHub failed because their runner died
     * @param reruns re-runs GitHub queued (the scaler asked for)
     * @param waits seconds from each job's queueing to the start of the run of it that succeeded
     *     (itself or a re-run), sorted; a job lost for good waited until the end (a lower bound)
     * @param instanceMinutes per scale set, each instance from its creation until it is gone
     */
    record Result(int jobs, int lostForGood, int failed, int reruns, int evictions, int kills, int cutOff,
            List<Double> waits, Map<String, Double> instanceMinutes) {

        double waitPercentile(int p) {
            return RunResult.percentile(waits, p);
        }

        /** Spot instance-minutes at {@code spotPrice} of a Regular one. */
        double cost(double spotPrice) {
            return instanceMinutes.getOrDefault(SPOT, 0.0) * spotPrice + instanceMinutes.getOrDefault(REGULAR, 0.0);
        }
    }

    private SpotRun() {}

    /** The pool's two scale sets; only the first is Spot. */
    static List<Pool> pools(PolicyRun.Settings settings, LossPolicy losses) {
        Pool spot = member(SPOT, "linuxspot", settings.min(), settings.max() / 2, settings, losses);
        // As the configuration does for a scale set with another after it: evictions hold its growth back.
        return List.of(spot.withSpec(spot.spec().withEvictionLimit(EVICTION_LIMIT)),
                member(REGULAR, "linuxreg", 0, settings.max() / 2, settings, losses));
    }

    /** The configuration's defaults: 3 evictions within 10 minutes, 30 minutes' cool-down. */
    static final PoolSpec.EvictionLimit EVICTION_LIMIT = new PoolSpec.EvictionLimit(3, Duration.ofMinutes(10),
            Duration.ofMinutes(30));

    private static Pool member(String scaleSet, String prefix, int min, int max, PolicyRun.Settings settings,
            LossPolicy losses) {
        PoolSpec spec = new PoolSpec(Pool.memberName("linux", scaleSet), PolicyRun.JOB_LABELS, min, max,
                settings.freePercent(), AfterJob.REIMAGE_OR_DELETE, Duration.ofMinutes(10), Duration.ofMinutes(5),
                Duration.ofSeconds(60), Duration.ofHours(1));
        return new Pool(spec, RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet), prefix,
                "linux", false, losses);
    }

    static Result run(Trace trace, PolicyRun.Settings settings, SimSettings.Losses losses, LossPolicy policy) {
        VirtualTimeSource time = new VirtualTimeSource(PolicyRun.START);
        List<Pool> pools = pools(settings, policy);
        SimWorld world = new SimWorld(time, settings.sim().withLosses(losses.withSpot(Set.of(SPOT))),
                SimulatorWiring.scaleSets(pools));
        world.azure().throttling().enforce(true);
        BudgetedScaleSet port = new BudgetedScaleSet(world.azure(), time, Duration.ofSeconds(60), 4);
        ShellContext context = new ShellContext(time, port, new InMemoryBusyStore(), world.gitHub(),
                Duration.ofSeconds(2), 100_000, false);
        Scaler scaler = new Scaler(pools, context, p -> PoolListener.NONE);
        world.connect(new InProcessEndpoints(scaler.intake()));
        scaler.start();
        every(time, Duration.ofSeconds(5), scaler::tick);
        every(time, Duration.ofSeconds(60), scaler::reconcile); // lists, and follows lost jobs up
        for (Trace.Arrival a : trace.arrivals()) {
            time.schedule(settings.warmUp().plus(a.at()), () -> world.gitHub().submit(PolicyRun.JOB_LABELS, a.duration(),
                    "octo-org/app", "octo-org"));
        }
        Duration total = settings.warmUp().plus(trace.length()).plus(settings.drain());
        time.runFor(total);
        return result(world.log(), world.gitHub()::originOf, PolicyRun.START.plus(total));
    }

    static Result result(SimEventLog log, LongUnaryOperator originOf, Instant end) {
        Map<Long, Instant> queued = new LinkedHashMap<>();
        Map<Long, Instant> started = new HashMap<>();
        Map<Long, Instant> succeededStart = new HashMap<>();
        InstanceMinutes instances = new InstanceMinutes();
        int failed = 0;
        int reruns = 0;
        int evictions = 0;
        int kills = 0;
        int cutOff = 0;
        for (SimEvent e : log.events()) {
            instances.on(e);
            switch (e.kind()) {
                case JOB_QUEUED -> queued.put(e.jobId(), e.at());
                case JOB_STARTED -> started.put(e.jobId(), e.at());
                case JOB_COMPLETED -> succeededStart.putIfAbsent(originOf.applyAsLong(e.jobId()), started.get(e.jobId()));
                case JOB_FAILED -> failed++;
                case JOB_RERUN -> reruns++;
                case INSTANCE_EVICTED -> evictions++;
                case INSTANCE_KILLED -> kills++;
                case BUSY_INSTANCE_TOUCHED -> cutOff++;
                default -> { }
            }
        }
        instances.end(end);
        Map<String, Double> minutes = new LinkedHashMap<>();
        minutes.put(SPOT, instances.of(SPOT));
        minutes.put(REGULAR, instances.of(REGULAR));
        List<Double> waits = new ArrayList<>();
        queued.forEach((job, at) -> waits.add(Duration.between(at, succeededStart.getOrDefault(job, end)).toMillis() / 1000.0));
        Collections.sort(waits);
        int lost = (int) queued.keySet().stream().filter(j -> !succeededStart.containsKey(j)).count();
        return new Result(queued.size(), lost, failed, reruns, evictions, kills, cutOff, List.copyOf(waits), minutes);
    }

    private static void every(VirtualTimeSource time, Duration period, Runnable task) {
        time.schedule(period, () -> {
            task.run();
            every(time, period, task);
        });
    }
}
