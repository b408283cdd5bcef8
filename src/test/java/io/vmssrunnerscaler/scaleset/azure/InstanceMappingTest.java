package io.vmssrunnerscaler.scaleset.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.util.serializer.SerializerEncoding;
import com.azure.core.management.serializer.SerializerFactory;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.PowerState;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** From Azure's VM JSON to what the engine observes. */
class InstanceMappingTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "Creating, CREATING", "Succeeded, SUCCEEDED", "succeeded, SUCCEEDED", "Updating, UPDATING",
        "Migrating, UPDATING", "Deleting, DELETING", "Failed, FAILED", "Canceled, FAILED", "null, UPDATING",
        "SomethingNew, UPDATING"})
    void foldsAzureStates(String azure, ProvisioningState expected) {
        assertEquals(expected, InstanceMapping.fold(azure));
    }

    @Test
    void theInstanceViewStatusWinsAndItsFailureCodeIsDropped() throws IOException {
        var vm = vm("""
                {"instanceId":"7","name":"vmss_7","properties":{"provisioningState":"Succeeded",
                 "osProfile":{"computerName":"linux000007"},
                 "instanceView":{"statuses":[{"code":"PowerState/running"},
                                             {"code":"ProvisioningState/failed/OSProvisioningTimedOut"}]}}}""");

        assertEquals(new ObservedInstance("7", "linux000007", ProvisioningState.FAILED, PowerState.RUNNING),
                InstanceMapping.observed(vm));
    }

    @ParameterizedTest
    @CsvSource({
        "PowerState/running, RUNNING", "PowerState/starting, STARTING", "PowerState/stopping, STOPPING",
        "PowerState/stopped, STOPPED", "PowerState/deallocating, DEALLOCATING", "PowerState/deallocated, DEALLOCATED",
        "PowerState/Deallocated, DEALLOCATED", "PowerState/unknown, UNKNOWN", "PowerState/hibernated, UNKNOWN"})
    void readsThePowerStateBesideTheProvisioningState(String code, PowerState expected) throws IOException {
        var vm = vm("""
                {"instanceId":"1","name":"vmss_1","properties":{"provisioningState":"Succeeded",
                 "instanceView":{"statuses":[{"code":"ProvisioningState/succeeded","level":"Info"},
                                             {"code":"%s","level":"Info"}]}}}""".formatted(code));

        ObservedInstance observed = InstanceMapping.observed(vm);
        assertEquals(expected, observed.power());
        assertEquals(ProvisioningState.SUCCEEDED, observed.state(), "a stopped VM is still provisioned");
    }

    @Test
    void anInstanceBeingCreatedHasNoPowerStateYet() throws IOException {
        var creating = vm("""
                {"instanceId":"5","name":"vmss_5","properties":{"provisioningState":"Creating",
                 "instanceView":{"statuses":[{"code":"ProvisioningState/creating","level":"Info"}]}}}""");
        var noView = vm("""
                {"instanceId":"6","name":"vmss_6","properties":{"provisioningState":"Succeeded"}}""");

        assertEquals(new ObservedInstance("5", "vmss_5", ProvisioningState.CREATING, PowerState.UNKNOWN),
                InstanceMapping.observed(creating));
        assertEquals(PowerState.UNKNOWN, InstanceMapping.power(noView));
    }

    @Test
    void withoutAnInstanceViewTheModelStateCounts() throws IOException {
        var vm = vm("""
                {"instanceId":"2","name":"vmss_2","properties":{"provisioningState":"Creating",
                 "osProfile":{"computerName":"linux000002"}}}""");

        assertEquals(new ObservedInstance("2", "linux000002", ProvisioningState.CREATING), InstanceMapping.observed(vm));
    }

    @Test
    void theComputerNameFallsBackToTheInstanceViewThenTheResourceName() throws IOException {
        var fromView = vm("""
                {"instanceId":"3","name":"vmss_3","properties":{"instanceView":{"computerName":"linux000003"}}}""");
        var bare = vm("""
                {"instanceId":"4","name":"vmss_4","properties":{}}""");

        assertEquals("linux000003", InstanceMapping.computerName(fromView));
        assertEquals("vmss_4", InstanceMapping.computerName(bare));
    }

    private static VirtualMachineScaleSetVMInner vm(String json) throws IOException {
        return SerializerFactory.createDefaultManagementSerializerAdapter()
                .deserialize(json, VirtualMachineScaleSetVMInner.class, SerializerEncoding.JSON);
    }
}
