package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Azure lists the instances of a capacity raise as Creating while the PATCH runs: they are
 * provisioning (live, not idle, not failed), and they are the capacity asked for, not more.
 */
class CreatingInstancesTest {

    private static ObservedInstance creating(String id) {
        return new ObservedInstance(id, name(id), ProvisioningState.CREATING);
    }

    @Test
    void instancesListedCreatingDuringTheRaiseAreProvisioningAndNotCountedTwice() {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).build();
        Scenario s = Scenario.withQueued(spec, List.of(1L, 2L)).tick();
        assertEquals(Optional.of(2), s.capacity());

        s.refresh().listedWith(creating("0"), creating("1"));
        assertEquals(Phase.PROVISIONING, s.phase("0"));
        assertEquals(Phase.PROVISIONING, s.phase("1"));
        assertEquals(Optional.empty(), s.capacity(), "the listed instances are the capacity in flight");
        assertEquals(2, s.state().live());

        s.queued(3);
        assertEquals(Optional.of(3), s.capacity(), "one more for one more job: the two being created count");
    }
}
