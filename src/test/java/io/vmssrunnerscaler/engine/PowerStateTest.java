package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static io.vmssrunnerscaler.engine.Pools.ok;
import static io.vmssrunnerscaler.engine.Pools.powered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.ObservedInstance.PowerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A VM Azure lists stopped or deallocated is replaced like a failed one, after a drain, and never under a job. */
class PowerStateTest {

    @ParameterizedTest(name = "PowerState/{0}: drained")
    @EnumSource(value = PowerState.class, names = {"STOPPING", "STOPPED", "DEALLOCATING", "DEALLOCATED"})
    void anIdleInstanceThatIsOffIsDrained(PowerState power) {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.idle("1", T0)).refresh()
                .listedWith(ok("0"), powered("1", power));

        assertEquals(List.of("1"), s.drained());
        assertEquals(Phase.DRAINING, s.phase("1"));
        assertEquals(Phase.IDLE, s.phase("0"));
    }

    @ParameterizedTest(name = "PowerState/{0}: healthy")
    @EnumSource(value = PowerState.class, names = {"STARTING", "RUNNING", "UNKNOWN"})
    void aStartingRunningOrUnreportedInstanceIsHealthy(PowerState power) {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0), Pools.provisioning("1", T0)).refresh()
                .listedWith(powered("0", power), powered("1", power));

        assertEquals(List.of(), s.drained());
        assertEquals(Phase.IDLE, s.phase("0"));
        assertEquals(Phase.PROVISIONING, s.phase("1"));
    }

    @Test
    void aDeallocatedIdleInstanceIsDrainedThenDeletedAndReplacedNotReimaged() {
        PoolSpec spec = Pools.spec().min(2).max(4).free(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0), Pools.idle("1", T0)).refresh()
                .listedWith(ok("0"), powered("1", PowerState.DEALLOCATED));
        assertEquals(List.of("1"), s.drained(), "GitHub first: it may just have handed the runner a job");
        assertEquals(Optional.of(3), s.capacity(), "the replacement grows at once: a draining instance serves no one");

        s.removed(name("1"));
        assertEquals(Phase.FINISHED, s.phase("1"));
        assertEquals(List.of(), s.reimaged(), "a re-image would leave the VM deallocated");
        assertEquals(List.of(), s.deleted(), "no delete while the capacity change is unanswered");

        s.succeed(Operation.Kind.SET_CAPACITY).listedWith(ok("0"), powered("1", PowerState.DEALLOCATED), ok("2"));
        assertEquals(List.of("1"), s.deleted());
        assertEquals(List.of(), s.reimaged());
    }

    @Test
    void aStoppedInstanceThatNeverBootedIsDrainedAndDeleted() {
        PoolSpec spec = Pools.spec().min(1).max(1).free(0).build();
        Scenario s = Scenario.with(spec, Pools.provisioning("0", T0)).refresh()
                .listedWith(powered("0", PowerState.STOPPED));
        assertEquals(List.of("0"), s.drained(), "after a restart its runner may have been configured by the previous process");

        s.removed(name("0"));
        assertEquals(List.of("0"), s.deleted());
        assertEquals(List.of(), s.reimaged());
        s.succeed(Operation.Kind.DELETE);
        assertEquals(Optional.of(1), s.capacity(), "then the replacement");
    }

    @Test
    void aBusyInstanceThatIsOffIsLeftAloneUntilItsJobEndsThenDeleted() {
        PoolSpec spec = Pools.spec().min(1).max(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7)).refresh()
                .listedWith(powered("0", PowerState.STOPPED));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertTrue(s.drained().isEmpty() && s.reimaged().isEmpty() && s.deleted().isEmpty());

        s.refresh().listedWith(powered("0", PowerState.DEALLOCATED)).tickAt(Duration.ofHours(2));
        assertEquals(Phase.BUSY, s.phase("0"), "still its job's: only its end frees it");
        assertTrue(s.drained().isEmpty() && s.reimaged().isEmpty() && s.deleted().isEmpty());

        s.completed(7, name("0"));
        assertEquals(List.of("0"), s.deleted(), "deleted and replaced, although the pool still needs one");
        assertEquals(List.of(), s.reimaged());
    }

    @Test
    void aRefusedDrainIsAskedAgainAtTheNextListingThatStillShowsTheVmOff() {
        Scenario s = Scenario.with(Pools.seed(), Pools.idle("0", T0)).refresh()
                .listedWith(powered("0", PowerState.DEALLOCATED)).removalRefused(name("0"));
        assertEquals(Phase.IDLE, s.phase("0"));
        assertEquals(List.of(), s.drained(), "not again within the same decision");

        s.refresh().listedWith(powered("0", PowerState.DEALLOCATED));
        assertEquals(List.of("0"), s.drained());
    }

    @Test
    void aVmStartedAgainBeforeItsJobEndedIsReimagedAsUsual() {
        PoolSpec spec = Pools.spec().min(1).max(2).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7)).refresh()
                .listedWith(powered("0", PowerState.STOPPED))
                .refresh().listedWith(powered("0", PowerState.RUNNING))
                .completed(7, name("0"));

        assertEquals(List.of("0"), s.reimaged());
    }
}
