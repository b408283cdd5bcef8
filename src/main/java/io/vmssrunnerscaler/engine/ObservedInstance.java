package io.vmssrunnerscaler.engine;

import java.util.Objects;

/**
 * An instance as the scale set reports it in a listing.
 *
 * @param power the instance view's power state; {@link PowerState#UNKNOWN} when the listing has none
 * @param vmId Azure's unique id of the VM ({@code properties.vmId}); null when the listing lacks it
 */
public record ObservedInstance(String instanceId, String name, ProvisioningState state, PowerState power,
        String vmId) {

    public ObservedInstance {
        Objects.requireNonNull(power, "power");
    }

    /** A listing without power states (no instance view): nothing is known to be wrong with the VM's power. */
    public ObservedInstance(String instanceId, String name, ProvisioningState state) {
        this(instanceId, name, state, PowerState.UNKNOWN, null);
    }

    /** A listing without VM ids. */
    public ObservedInstance(String instanceId, String name, ProvisioningState state, PowerState power) {
        this(instanceId, name, state, power, null);
    }

    /** Azure's provisioning states, folded to what the engine distinguishes. */
    public enum ProvisioningState {
        CREATING,
        SUCCEEDED,
        UPDATING,
        DELETING,
        FAILED
    }

    /** Azure's power states ({@code PowerState/<state>} in the instance view). */
    public enum PowerState {
        STARTING,
        RUNNING,
        STOPPING,
        STOPPED,
        DEALLOCATING,
        DEALLOCATED,
        /** Not reported (an instance still being created has none), or Azure could not tell. */
        UNKNOWN;

        /**
         * Stopped or deallocated, or on its way there: its runner takes no job, and nothing in the
         * pool starts it again, so the instance is replaced. An unknown state is no evidence of that.
         */
        public boolean isOff() {
            return this == STOPPING || this == STOPPED || this == DEALLOCATING || this == DEALLOCATED;
        }
    }
}
