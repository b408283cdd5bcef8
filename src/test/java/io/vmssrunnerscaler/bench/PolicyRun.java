package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.engine.AdaptiveIdle;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.SchedulePeriod;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.ArmBucket;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One policy on one trace in the simulated world on a virtual clock, with Azure's per-scale-set
 * throttling enforced: the scaler (engine, pool loop, batching, and its production throttle budget),
 * the original design as deployed or in its first naive model ({@link BaselinePolicy}), or the
 * actions-runner-controller peer ({@link PeerPolicy}). All see the same seeded world and the same
 * jobs.
 */
final class PolicyRun {
    static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    static final Set<String> JOB_LABELS = Set.of("self-hosted", "linux");

    enum Policy {
        SCALER, BASELINE, BASELINE_NAIVE, ARC;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Policy ofLabel(String label) {
            for (Policy p : values()) {
                if (p.label().equals(label.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown policy " + label + " (scaler, baseline, baseline-naive, arc)");
        }

        static List<Policy> parse(String labels) {
            List<Policy> policies = new java.util.ArrayList<>();
            for (String label : labels.split(",")) {
                policies.add(ofLabel(label));
            }
            return policies;
        }
    }

    /**
     * The world and the pool, the same for both policies. The scaler's own settings are its
     * production defaults (tick 5 s, batch window 2 s, listing every 60 s, boot timeout 10 min,
     * idle cool-down 5 min, finish grace 60 s, queued age limit 1 h).
     */
    record Settings(Duration capacityDelay, Duration provisioningDelay, Duration reimageDelay, Duration deleteDelay,
            Duration runnerStartDelay, int min, int max, int freePercent, Duration warmUp, Duration drain,
            Duration busyMessageTtl, long seed, Duration takedownDelay, int scaleSets, Warm warm) {

        static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofSeconds(60),
                    Duration.ofSeconds(20), Duration.ofSeconds(5), 1, 100, 25, Duration.ofMinutes(10),
                    Duration.ofHours(1), Duration.ofHours(1), 7, Duration.ofSeconds(10), 1, Warm.NONE);
        }

        Settings withMax(int newMax) {
            return new Settings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, min,
                    newMax, freePercent, warmUp, drain, busyMessageTtl, seed, takedownDelay, scaleSets, warm);
        }

        /**
         * A pool over {@code count} scale sets, each with max {@code maxEach} (the pool's max is their
         * sum); the pool's min stays on the first. Only the scaler drives more than one.
         */
        Settings withScaleSets(int count, int maxEach) {
            return new Settings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, min,
                    count * maxEach, freePercent, warmUp, drain, busyMessageTtl, seed, takedownDelay, count, warm);
        }

        /** The scaler's pool with this min, free percentage and warm capacity. */
        Settings withSizing(int newMin, int newFreePercent, Warm newWarm) {
            return new Settings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, newMin, max,
                    newFreePercent, warmUp, drain, busyMessageTtl, seed, takedownDelay, scaleSets, newWarm);
        }

        Settings withDelays(Duration provisioning, Duration reimage) {
            return new Settings(capacityDelay, provisioning, reimage, deleteDelay, runnerStartDelay, min, max,
                    freePercent, warmUp, drain, busyMessageTtl, seed, takedownDelay, scaleSets, warm);
        }

        Settings withDrain(Duration newDrain) {
            return new Settings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, min, max,
                    freePercent, warmUp, newDrain, busyMessageTtl, seed, takedownDelay, scaleSets, warm);
        }

        /** From a per-VM re-image or delete call to its VM going down, on Azure (the baseline as deployed). */
        Settings withTakedownDelay(Duration delay) {
            return new Settings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, min, max,
                    freePercent, warmUp, drain, busyMessageTtl, seed, delay, scaleSets, warm);
        }

        SimSettings sim() {
            return new SimSettings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, 0, seed);
        }

        /** The pool of one scale set (the baseline and the peer drive only one). */
        Pool pool() {
            if (scaleSets != 1) {
                throw new IllegalStateException("a pool of " + scaleSets + " scale sets has no single Pool");
            }
            return pools().get(0);
        }

        /**
         * The pool's scale sets in its order of preference: one pool {@code linux} on scale set
         * {@code linux-vmss}, or members {@code linux@linux-vmss-1} .. {@code -n}, each with its own
         * loop, Azure buckets and max ({@code max / scaleSets}), the pool's min on the first.
         */
        List<Pool> pools() {
            if (scaleSets == 1) {
                return List.of(new Pool(spec("linux", min, max), RunnerScope.parse("octo-org/app"), "Default",
                        new ScaleSetRef("sub", "rg", "linux-vmss")));
            }
            List<Pool> members = new java.util.ArrayList<>();
            for (int i = 1; i <= scaleSets; i++) {
                String scaleSet = "linux-vmss-" + i;
                members.add(new Pool(spec(Pool.memberName("linux", scaleSet), i == 1 ? min : 0, max / scaleSets),
                        RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", scaleSet),
                        "linuxvm" + i, "linux", false));
            }
            return members;
        }

        private PoolSpec spec(String name, int specMin, int specMax) {
            return new PoolSpec(name, Set.of("self-hosted", "linux"), specMin, specMax, freePercent,
                    AfterJob.REIMAGE_OR_DELETE, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(60),
                    Duration.ofHours(1)).withWarmCapacity(warm.minIdle(), warm.schedule(), warm.adaptive());
        }
    }

    /** The scaler's warm capacity, on every scale set of its pool; none by default (only bench/policy's warm comparison sets it, on one). */
    record Warm(int minIdle, List<SchedulePeriod> schedule, AdaptiveIdle adaptive) {
        static final Warm NONE = new Warm(0, List.of(), AdaptiveIdle.OFF);
    }

    private PolicyRun() {}

    static RunResult run(Policy policy, Trace trace, Settings settings) {
        if (settings.scaleSets() != 1 && policy != Policy.SCALER) {
            throw new IllegalArgumentException(policy.label() + " drives one scale set; only the scaler spans "
                    + settings.scaleSets());
        }
        VirtualTimeSource time = new VirtualTimeSource(START);
        List<Pool> pools = settings.pools();
        SimWorld world = new SimWorld(time, settings.sim(), SimulatorWiring.scaleSets(pools));
        world.azure().throttling().enforce(true);
        Map<String, Long> counters = new LinkedHashMap<>();
        Runnable count;
        AzureCounted azure = new AzureCounted(world.azure(), time, settings.deleteDelay());
        switch (policy) {
            case SCALER -> {
                StageTally stages = new StageTally();
                ScalerOnSim scaler = ScalerOnSim.start(world, time, pools, Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(60), stages);
                count = () -> {
                    counters.put("local_budget_refusals", scaler.port().localRefusals());
                    stages.addTo(counters);
                };
            }
            case BASELINE, BASELINE_NAIVE -> {
                BaselinePolicy.Behaviour behaviour = policy == Policy.BASELINE
                        ? BaselinePolicy.Behaviour.asDeployed(settings.takedownDelay()) : BaselinePolicy.Behaviour.NAIVE;
                BaselinePolicy baseline = new BaselinePolicy(world, settings.pool(), settings.busyMessageTtl(), behaviour, azure);
                world.connect(baseline);
                baseline.start();
                count = () -> {
                    counters.put("failed_hook_handlers", baseline.handlerFailures());
                    counters.put("sdk_429_retries", baseline.sdkRetries());
                };
            }
            case ARC -> {
                BudgetedScaleSet port = new BudgetedScaleSet(azure, time, Duration.ofSeconds(60), 4);
                PeerPolicy peer = new PeerPolicy(world, settings.pool(), port);
                world.connect(peer);
                peer.start(Duration.ofSeconds(5), Duration.ofSeconds(30));
                count = () -> {
                    counters.put("failed_calls", peer.failedCalls());
                    counters.put("local_budget_refusals", port.localRefusals());
                };
            }
            default -> throw new IllegalArgumentException(policy.toString());
        }
        for (Trace.Arrival a : trace.arrivals()) {
            time.schedule(settings.warmUp().plus(a.at()), () -> world.gitHub().submit(JOB_LABELS, a.duration(),
                    "octo-org/app", "octo-org"));
        }
        Duration total = settings.warmUp().plus(trace.length()).plus(settings.drain());
        time.runFor(total);
        count.run();
        // Calls and 429s per bucket, summed over the scale sets, and per scale set.
        long[][] calls = new long[ArmBucket.values().length][2];
        Map<String, long[][]> byScaleSet = new LinkedHashMap<>();
        for (Pool p : pools) {
            long[][] own = new long[ArmBucket.values().length][2];
            world.azure().throttling().counts(p.scaleSet().name()).forEach((b, c) -> {
                own[b.ordinal()] = c.clone();
                calls[b.ordinal()][0] += c[0];
                calls[b.ordinal()][1] += c[1];
            });
            byScaleSet.put(p.scaleSet().name(), own);
        }
        return RunResult.of(policy, trace, world.log(), START.plus(total), calls, byScaleSet, counters);
    }
}
