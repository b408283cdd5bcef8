package io.vmssrunnerscaler.scaleset.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import io.vmssrunnerscaler.scaleset.azure.RateLimitHeaders.Remaining;
import io.vmssrunnerscaler.scaleset.azure.RateLimitHeaders.Report;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Azure's budget headers, in both shapes, and whatever garbage may arrive instead. */
class RateLimitHeadersTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "Microsoft.Compute/HighCostGetVMScaleSet3Min;107      | HIGH_COST_GET_VMSS | PT3M  | 107",
        "Microsoft.Compute/HighCostGetVMScaleSet30Min;587     | HIGH_COST_GET_VMSS | PT30M | 587",
        "microsoft.compute/updatevmscaleset3min;0             | UPDATE_VMSS        | PT3M  | 0",
        "Microsoft.Compute/DeleteVMScaleSetVMs30Min;12        | DELETE_VMSS_VMS    | PT30M | 12",
        "Microsoft.Compute/DeleteVMScaleSet3Min;11            | DELETE_VMSS        | PT3M  | 11",
        "Microsoft.Compute/LowCostGetVMScaleSet;35            | LOW_COST_GET_VMSS  | none  | 35",
        " Microsoft.Compute/UpdateVMScaleSetVMs3Min; 4        | UPDATE_VMSS_VMS    | PT3M  | 4",
        "Microsoft.Compute/VMScaleSetBatchedVMRequests5Min;3704 | none             | none  | 0",
        "Microsoft.Compute/VmssQueuedVMOperations;4720        | none               | none  | 0",
        "Microsoft.Compute/HighCostGet3Min;159                | none               | none  | 0",
        "Microsoft.Network/UpdateVMScaleSet3Min;5             | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSet3Min;-1            | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSet3Min;              | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSet3Min;99999999999   | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSet3Min               | none               | none  | 0",
        "UpdateVMScaleSet3Min;4                               | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSet3Min;4;5           | none               | none  | 0",
        "Microsoft.Compute/UpdateVMScaleSetXMin;4             | none               | none  | 0",
        "Microsoft.Compute/;4                                 | none               | none  | 0",
        "''                                                   | none               | none  | 0",
    })
    void readsOneFigure(String value, ArmPolicy policy, Duration window, int count) {
        Optional<Remaining> expected = policy == null ? Optional.empty() : Optional.of(new Remaining(policy, window, count));

        assertEquals(expected, RateLimitHeaders.figure(value.trim()));
    }

    @Test
    void readsSeveralHeadersAndCommaJoinedOnesAlike() {
        List<String> separate = List.of("Microsoft.Compute/UpdateVMScaleSet3Min;7", "Microsoft.Compute/UpdateVMScaleSet30Min;120",
                "Microsoft.Compute/VmssQueuedVMOperations;4720");
        List<String> joined = List.of(String.join(", ", separate));

        Report a = RateLimitHeaders.parse(separate, "3");
        Report b = RateLimitHeaders.parse(joined, "3");

        assertEquals(a, b);
        assertEquals(List.of(new Remaining(ArmPolicy.UPDATE_VMSS, Duration.ofMinutes(3), 7),
                new Remaining(ArmPolicy.UPDATE_VMSS, Duration.ofMinutes(30), 120)), a.remaining());
        assertEquals(Optional.of(7), a.lowest(ArmPolicy.UPDATE_VMSS));
        assertEquals(Optional.empty(), a.lowest(ArmPolicy.DELETE_VMSS_VMS));
        assertEquals(3, a.charge());
    }

    @Test
    void aMixOfGoodAndBadValuesKeepsTheGoodOnes() {
        Report r = RateLimitHeaders.parse(Arrays.asList(null, ",,;", "garbage, Microsoft.Compute/DeleteVMScaleSetVMs3Min;2,=;"), null);

        assertEquals(List.of(new Remaining(ArmPolicy.DELETE_VMSS_VMS, Duration.ofMinutes(3), 2)), r.remaining());
        assertEquals(Report.NONE, RateLimitHeaders.parse(null, null));
    }

    @ParameterizedTest(name = "charge ''{0}'' -> {1}")
    @CsvSource(nullValues = "none", value = {
        "none, 1", "1, 1", "5, 5", "' 12 ', 12", "0, 0", "-3, 1", "1.5, 1", "abc, 1", "'', 1", "'4, 4', 4",
        "1000, 1000", "1001, 1", "99999999999, 1",
    })
    void readsTheRequestCharge(String value, int expected) {
        assertEquals(expected, RateLimitHeaders.charge(value));
    }

    /** Through azure-core's HttpHeaders, as ThrottlingPolicy reads them: repeated headers and one joined header. */
    @Test
    void readsAzureCoreHeadersInBothShapes() {
        HttpHeaderName name = HttpHeaderName.fromString(RateLimitHeaders.REMAINING);
        HttpHeaders repeated = new HttpHeaders()
                .add(name, "Microsoft.Compute/DeleteVMScaleSetVMs3Min;9")
                .add(name, "Microsoft.Compute/DeleteVMScaleSetVMs30Min;100")
                .set(HttpHeaderName.fromString(RateLimitHeaders.CHARGE), "4");
        HttpHeaders joined = new HttpHeaders()
                .set(name, "Microsoft.Compute/DeleteVMScaleSetVMs3Min;9,Microsoft.Compute/DeleteVMScaleSetVMs30Min;100")
                .set(HttpHeaderName.fromString(RateLimitHeaders.CHARGE), "4");

        Report a = ThrottlingPolicy.report(repeated);
        assertEquals(a, ThrottlingPolicy.report(joined));
        assertEquals(2, a.remaining().size());
        assertEquals(Optional.of(9), a.lowest(ArmPolicy.DELETE_VMSS_VMS));
        assertEquals(4, a.charge());
        assertEquals(Report.NONE, ThrottlingPolicy.report(new HttpHeaders()));
    }
}
