package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle table, where it protects busy instances and resets a re-imaged one. */
class PhaseTest {

    @ParameterizedTest(name = "{0} never moves to {1}")
    @CsvSource({
        "BUSY, REIMAGING", "BUSY, DELETING", "BUSY, FAILED", "BUSY, IDLE", "BUSY, PROVISIONING",
        "FINISHING, REIMAGING", "FINISHING, DELETING", "FINISHING, FAILED", "FINISHING, BUSY",
        "FINISHED, BUSY", "REIMAGING, BUSY", "DELETING, BUSY", "DELETING, PROVISIONING", "FAILED, BUSY",
        // an idle runner may be handed a job at any moment: it is drained at GitHub, never deleted directly
        "IDLE, DELETING", "IDLE, REIMAGING",
        "DRAINING, DELETING", "DRAINING, REIMAGING", "DRAINING, FINISHING",
        "BUSY, DRAINING", "FINISHING, DRAINING", "FINISHED, DRAINING",
        "REIMAGING, DRAINING", "DELETING, DRAINING", "FAILED, DRAINING",
        // Azure takes an evicted VM: it never serves again, and is only deleted through FAILED
        "EVICTED, BUSY", "EVICTED, IDLE", "EVICTED, PROVISIONING", "EVICTED, REIMAGING", "EVICTED, DELETING",
        "EVICTED, DRAINING", "DELETING, EVICTED", "FAILED, EVICTED",
    })
    void aMoveOutsideTheTableIsRejectedAndChangesNothing(Phase from, Phase to) {
        Instance i = Pools.instance("0", from, T0, 7);
        Instance.Transition t = i.moveTo(to, T0.plusSeconds(1));
        Instance.Transition.Rejected rejected = assertInstanceOf(Instance.Transition.Rejected.class, t);
        assertEquals(i, rejected.instance());
        assertEquals(to, rejected.to());
    }

    @ParameterizedTest(name = "only {0} is busy")
    @EnumSource(Phase.class)
    void onlyBusyAndFinishingAreBusy(Phase phase) {
        assertEquals(EnumSet.of(Phase.BUSY, Phase.FINISHING).contains(phase), phase.isBusy());
        if (phase.isBusy()) {
            assertTrue(phase.isLive());
            assertFalse(phase.canMoveTo(Phase.REIMAGING) || phase.canMoveTo(Phase.DELETING));
        }
    }

    @ParameterizedTest(name = "{0} -> PROVISIONING starts afresh")
    @EnumSource(value = Phase.class, names = {"IDLE", "REIMAGING"})
    void provisioningAgainForgetsConfigurationAndJob(Phase from) {
        Instance i = Pools.instance("0", from, T0, 7);
        Instance.Transition t = i.moveTo(Phase.PROVISIONING, T0.plusSeconds(1));
        Instance moved = assertInstanceOf(Instance.Transition.Moved.class, t).instance();
        assertEquals(Phase.PROVISIONING, moved.phase());
        assertFalse(moved.configIssued());
        assertEquals(0, moved.jobId());
        assertEquals(T0.plusSeconds(1), moved.since());
    }

    @ParameterizedTest(name = "DRAINING -> {0}: {1}")
    @CsvSource({
        "IDLE,     true",    // GitHub refused the removal
        "PROVISIONING, true", // GitHub refused the removal of an instance never configured here
        "BUSY,     true",    // the job start arrives: GitHub had handed it a job
        "FINISHED, true",    // GitHub removed the runner (or a job we never saw start ended)
        "FAILED,   false",   // a failed instance is deleted at once: wait for GitHub's answer first
        "DELETING, false",
        "REIMAGING, false",
        "FINISHING, false",
        "DRAINING, false",
    })
    void drainingLeavesOnlyForServiceOrTheEndOfItsRunner(Phase to, boolean allowed) {
        assertEquals(allowed, Phase.DRAINING.canMoveTo(to));
    }

    @ParameterizedTest(name = "{0} may start draining: only IDLE, and PROVISIONING past its boot timeout")
    @EnumSource(Phase.class)
    void onlyAnIdleOrProvisioningInstanceStartsDraining(Phase from) {
        assertEquals(from == Phase.IDLE || from == Phase.PROVISIONING, from.canMoveTo(Phase.DRAINING));
    }

    @ParameterizedTest(name = "{0} may be deleted: only FINISHED and FAILED")
    @EnumSource(Phase.class)
    void onlyFinishedOrFailedInstancesAreDeleted(Phase from) {
        assertEquals(from == Phase.FINISHED || from == Phase.FAILED, from.canMoveTo(Phase.DELETING));
    }

    @ParameterizedTest(name = "{0} counts as live: {1}")
    @CsvSource({
        "PROVISIONING, true", "IDLE, true", "BUSY, true", "FINISHING, true", "REIMAGING, true",
        "DRAINING, false", "FINISHED, false", "DELETING, false", "FAILED, false",
    })
    void drainingIsNeitherLiveNorBusy(Phase phase, boolean live) {
        assertEquals(live, phase.isLive());
        assertEquals(phase == Phase.BUSY || phase == Phase.FINISHING, phase.isBusy());
    }

    @Test
    void aRefusedRemovalKeepsTheConfigurationAndRestartsTheCoolDown() {
        Instance draining = Pools.instance("0", Phase.DRAINING, T0, 0);
        Instance.Transition t = draining.moveTo(Phase.IDLE, T0.plusSeconds(30));
        Instance idle = assertInstanceOf(Instance.Transition.Moved.class, t).instance();
        assertEquals(Phase.IDLE, idle.phase());
        assertTrue(idle.configIssued(), "the runner is still configured: no second configuration");
        assertEquals(T0.plusSeconds(30), idle.since());
    }
}
