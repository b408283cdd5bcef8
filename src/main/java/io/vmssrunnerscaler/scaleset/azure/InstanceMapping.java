package io.vmssrunnerscaler.scaleset.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.PowerState;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.util.List;
import java.util.Locale;

/** Turns a listed scale-set VM into what the engine observes. */
final class InstanceMapping {
    private static final String STATUS_PREFIX = "provisioningstate/";
    private static final String POWER_PREFIX = "powerstate/";

    private InstanceMapping() {
    }

    static ObservedInstance observed(VirtualMachineScaleSetVMInner vm) {
        return new ObservedInstance(vm.instanceId(), computerName(vm), state(vm), power(vm), vm.vmId());
    }

    /**
     * The host name, which the runner uses as its name. The instance view repeats it when the
     * model lacks an OS profile; the resource name only keeps the field non-null (it matches no runner).
     */
    static String computerName(VirtualMachineScaleSetVMInner vm) {
        if (vm.osProfile() != null && vm.osProfile().computerName() != null) {
            return vm.osProfile().computerName();
        }
        if (vm.instanceView() != null && vm.instanceView().computerName() != null) {
            return vm.instanceView().computerName();
        }
        return vm.name();
    }

    /**
     * The instance view's {@code ProvisioningState/<state>[/<code>]} status when listed with
     * {@code $expand=instanceView}, else the model's provisioningState.
     */
    static ProvisioningState state(VirtualMachineScaleSetVMInner vm) {
        String fromView = vm.instanceView() == null ? null : fromStatuses(vm.instanceView().statuses());
        return fold(fromView != null ? fromView : vm.provisioningState());
    }

    /**
     * Azure's states folded to the engine's. Migrating is an update in progress; Canceled means the
     * last operation did not finish, which the engine treats like a failure (it replaces the VM).
     * A missing or unknown state counts as UPDATING: not ready, but not failed either.
     */
    static ProvisioningState fold(String azureState) {
        if (azureState == null) {
            return ProvisioningState.UPDATING;
        }
        return switch (azureState.toLowerCase(Locale.ROOT)) {
            case "creating" -> ProvisioningState.CREATING;
            case "succeeded" -> ProvisioningState.SUCCEEDED;
            case "deleting" -> ProvisioningState.DELETING;
            case "failed", "canceled", "cancelled" -> ProvisioningState.FAILED;
            default -> ProvisioningState.UPDATING;
        };
    }

    /**
     * The instance view's {@code PowerState/<state>} status. Only the instance view has it: without
     * one, or without the status (an instance being created has none yet), or with a state Azure
     * has not published, the power is UNKNOWN, which the engine takes as no sign of trouble.
     */
    static PowerState power(VirtualMachineScaleSetVMInner vm) {
        String state = vm.instanceView() == null ? null : status(vm.instanceView().statuses(), POWER_PREFIX);
        if (state == null) {
            return PowerState.UNKNOWN;
        }
        return switch (state) {
            case "starting" -> PowerState.STARTING;
            case "running" -> PowerState.RUNNING;
            case "stopping" -> PowerState.STOPPING;
            case "stopped" -> PowerState.STOPPED;
            case "deallocating" -> PowerState.DEALLOCATING;
            case "deallocated" -> PowerState.DEALLOCATED;
            default -> PowerState.UNKNOWN;
        };
    }

    private static String fromStatuses(List<InstanceViewStatus> statuses) {
        return status(statuses, STATUS_PREFIX);
    }

    /** The lower-cased state of the first status coded {@code <prefix><state>[/<detail>]}, or null. */
    private static String status(List<InstanceViewStatus> statuses, String prefix) {
        if (statuses == null) {
            return null;
        }
        for (InstanceViewStatus s : statuses) {
            String code = s.code() == null ? "" : s.code().toLowerCase(Locale.ROOT);
            if (code.startsWith(prefix)) {
                String rest = code.substring(prefix.length());
                int slash = rest.indexOf('/');
                return slash < 0 ? rest : rest.substring(0, slash); // "failed/OSProvisioningTimedOut" -> "failed"
            }
        }
        return null;
    }
}
