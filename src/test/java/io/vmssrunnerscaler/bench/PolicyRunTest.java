package io.vmssrunnerscaler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.bench.PolicyRun.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's policies on a short trace in the simulated world: the peer and the baseline as
 * deployed behave as modelled (no job cut off, no 429 for the budgeted peer), the naive baseline
 * cuts off every job it recycles. Virtual time: a fraction of a second each.
 */
class PolicyRunTest {
    private static final Trace TRACE = Trace.steady("short", 2, Duration.ofMinutes(30), Duration.ofMinutes(2),
            Duration.ofMinutes(4), 11);
    private static final PolicyRun.Settings SETTINGS = PolicyRun.Settings.defaults().withDrain(Duration.ofMinutes(30));

    @Test
    void thePeerStartsEveryJobWithinBudgetAndTouchesNoBusyRunner() {
        RunResult r = PolicyRun.run(Policy.ARC, TRACE, SETTINGS);
        assertTrue(r.jobs() > 40, "jobs " + r.jobs());
        assertEquals(0, r.neverStarted());
        assertEquals(0, r.cutOff());
        assertEquals(0, r.totalThrottled());
        // it reacts to queued jobs: no wait above the boot plus a reconcile tick and a token's wait,
        // and the capacity change in flight when the job came (it lasts until its VMs are
        // provisioned, 5 + 90 s, and the peer sends one at a time)
        assertTrue(r.waitMax() < (5 + 90) + 100 + 5 + 15 + 1, "max wait " + r.waitMax());
    }

    @Test
    void theBaselineAsDeployedLetsTheRunnerReportBeforeItsVmGoesDown() {
        RunResult asDeployed = PolicyRun.run(Policy.BASELINE, TRACE, SETTINGS);
        RunResult naive = PolicyRun.run(Policy.BASELINE_NAIVE, TRACE, SETTINGS);
        assertEquals(0, asDeployed.cutOff());
        assertTrue(naive.cutOff() > 0, "the naive model recycles under the runner's final report");
    }

    @Test
    void theScalerSpreadsAPoolOverFourScaleSetsEachWithItsOwnBuckets() {
        // 30 jobs/min of 2-4 min keep ~90 busy: more than two scale sets of max 40 hold.
        Trace trace = Trace.steady("spread", 30, Duration.ofMinutes(20), Duration.ofMinutes(2), Duration.ofMinutes(4), 13);
        RunResult r = PolicyRun.run(Policy.SCALER, trace, SETTINGS.withScaleSets(4, 40));
        assertEquals(0, r.neverStarted());
        assertEquals(0, r.cutOff());
        assertEquals(0, r.totalThrottled());
        assertEquals(4, r.callsByScaleSet().size());
        long summed = 0;
        int used = 0;
        for (String scaleSet : r.callsByScaleSet().keySet()) {
            long own = 0;
            for (io.vmssrunnerscaler.sim.ArmBucket b : io.vmssrunnerscaler.sim.ArmBucket.values()) {
                own += r.calls(scaleSet, b);
            }
            summed += own;
            used += r.calls(scaleSet, io.vmssrunnerscaler.sim.ArmBucket.UPDATE_VMSS) > 0 ? 1 : 0;
        }
        assertEquals(r.totalCalls(), summed, "the pool's calls are the sum of its scale sets'");
        assertTrue(used >= 3, "capacity spread over at least three scale sets, " + used);
    }

    @Test
    void onlyTheScalerSpansScaleSets() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PolicyRun.run(Policy.ARC, TRACE, SETTINGS.withScaleSets(4, 40)));
    }

    @Test
    void idleRunnersKeptReadyLetJobsStartWithoutWaitingForABoot() {
        // one job every 4 minutes, 2-4 min each: the seed's rule (min 0, free 0) boots a VM per job
        Trace sparse = Trace.steady("sparse", 0.25, Duration.ofMinutes(60), Duration.ofMinutes(2), Duration.ofMinutes(4), 3);
        RunResult cold = PolicyRun.run(Policy.SCALER, sparse, SETTINGS.withSizing(0, 0, PolicyRun.Warm.NONE));
        RunResult warm = PolicyRun.run(Policy.SCALER, sparse, SETTINGS.withSizing(0, 0,
                new PolicyRun.Warm(2, java.util.List.of(), io.vmssrunnerscaler.engine.AdaptiveIdle.OFF)));
        assertTrue(cold.waitP50() > 90, "a boot per job: p50 " + cold.waitP50());
        assertTrue(warm.waitP95() < 10, "two idle runners ready: p95 " + warm.waitP95());
        assertTrue(warm.instanceMinutes() > cold.instanceMinutes(), "idle runners cost instance-minutes");
    }
}
