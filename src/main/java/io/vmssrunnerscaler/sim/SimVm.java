package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.ObservedInstance;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/** One simulated VM. Mutable, touched only on the simulator's thread. */
final class SimVm {
    final String scaleSet;
    final String instanceId;
    final String name;
    final Set<String> labels;
    /** Azure's unique id of the VM; derived from its place so that a run is repeatable. */
    final String vmId;
    ProvisioningState state = ProvisioningState.CREATING;
    /** Bumped by every re-image, so that stale timers of an earlier life do nothing. */
    int generation;
    /** The job its runner is running, from GitHub's assignment to the runner's final report; 0 if none. */
    long jobId;
    /** Azure announced its eviction: it goes when the notice ends, whatever happens meanwhile. */
    boolean evicting;

    SimVm(String scaleSet, String instanceId, String name, Set<String> labels) {
        this.scaleSet = scaleSet;
        this.instanceId = instanceId;
        this.name = name;
        this.labels = labels;
        this.vmId = UUID.nameUUIDFromBytes((scaleSet + "/" + instanceId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    ObservedInstance observed() {
        return new ObservedInstance(instanceId, name, state, ObservedInstance.PowerState.UNKNOWN, vmId);
    }
}
