package io.vmssrunnerscaler.scaleset.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which bucket each ARM request is charged to (the mapping documented on ArmCall). */
class ArmCallTest {
    private static final String BASE = "https://management.azure.com/subscriptions/Sub-1/resourceGroups/RG/providers/"
            + "Microsoft.Compute/virtualMachineScaleSets/Linux-VMSS";

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
        "GET,    '',                                                         LOW_COST_GET_VMSS",
        "GET,    /virtualMachines?api-version=2025-04-01&$expand=instanceView, HIGH_COST_GET_VMSS",
        "GET,    /virtualMachines?api-version=2025-04-01&$skiptoken=7,         HIGH_COST_GET_VMSS",
        "PATCH,  ?api-version=2025-04-01,                                      UPDATE_VMSS",
        "POST,   /reimage?api-version=2025-04-01,                              UPDATE_VMSS",
        "POST,   /delete?api-version=2025-04-01,                               DELETE_VMSS_VMS",
        "POST,   /virtualMachines/3/reimage,                                   UPDATE_VMSS_VMS",
        "DELETE, /virtualMachines/3,                                           DELETE_VMSS_VMS",
        "GET,    /virtualMachines/3,                                           GET_VMSS_VMS",
        "POST,   /deallocate,                                                  DELETE_VMSS",
        "POST,   /unknownAction,                                               none",
    })
    void chargesEachRequestToItsPolicy(String method, String suffix, ArmPolicy expected) throws MalformedURLException {
        Optional<ArmCall> call = ArmCall.classify(method, URI.create(BASE + suffix).toURL());

        assertEquals(Optional.ofNullable(expected), call.map(ArmCall::policy));
        call.ifPresent(c -> assertEquals(ArmCall.key("sub-1", "rg", "linux-vmss"), c.scaleSet()));
    }

    @ParameterizedTest
    @CsvSource({
        "https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/locations/westeurope/operations/abc?api-version=2025-04-01",
        "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb",
    })
    void operationPollsAndOtherResourcesAreNotCharged(String url) throws MalformedURLException {
        assertEquals(Optional.empty(), ArmCall.classify("GET", URI.create(url).toURL()));
    }

    @org.junit.jupiter.api.Test
    void keysIgnoreCaseAsArmDoes() {
        assertEquals(ArmCall.key("SUB", "Rg", "VMSS"), ArmCall.key("sub", "rg", "vmss"));
    }
}
