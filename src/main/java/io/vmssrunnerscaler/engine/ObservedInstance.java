package io.vmssrunnerscaler.engine;

/** An instance as the scale set reports it in a listing. */
public record ObservedInstance(String instanceId, String name, ProvisioningState state) {

    /** Azure's provisioning states, folded to what the engine distinguishes. */
    public enum ProvisioningState {
        CREATING,
        SUCCEEDED,
        UPDATING,
        DELETING,
        FAILED
    }
}
