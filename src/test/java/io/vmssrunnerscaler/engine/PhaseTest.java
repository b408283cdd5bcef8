package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
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
}
