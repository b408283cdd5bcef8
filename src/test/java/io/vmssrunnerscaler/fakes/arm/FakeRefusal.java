package io.vmssrunnerscaler.fakes.arm;

import java.util.List;

/**
 * The ways Azure refuses capacity to a scale set, with the codes and messages it really sends
 * (messages abridged; the numbers are examples). Sources:
 * <ul>
 * <li>quota: 409 Conflict, {@code OperationNotAllowed}, "... exceeding approved Total Regional
 *     Cores quota ..." (public reports: cloud-barista/cb-spider#1558, microsoft/onefuzz#614,
 *     nforgeio/neonKUBE#1671; the per-family variant in Azure/karpenter-provider-azure#192);</li>
 * <li>{@code AllocationFailed} / {@code ZonalAllocationFailed}: Microsoft docs "Troubleshoot
 *     allocation failures when you create, restart, or resize VMs in Azure";</li>
 * <li>{@code OverconstrainedAllocationRequest} / {@code OverconstrainedZonalAllocationRequest}:
 *     the same page and Compute's allocation errors (constraints listed in the message);</li>
 * <li>{@code SkuNotAvailable}: Microsoft docs "Resolve errors for SKU not available" (size), and
 *     "Error messages for Azure Spot Virtual Machines and scale sets", where it is the code for
 *     "not enough Azure Spot Virtual Machine capacity in this location".</li>
 * </ul>
 * Sent synchronously they are answered 409 (documented for the quota; assumed for the others,
 * which Azure more often reports as the failure of the long-running operation).
 */
public enum FakeRefusal {
    REGIONAL_QUOTA("OperationNotAllowed", "Operation could not be completed as it results in exceeding approved Total Regional"
            + " Cores quota. Additional details - Deployment Model: Resource Manager, Location: %2$s, Current Limit: 100,"
            + " Current Usage: 96, Additional Required: %4$d, (Minimum) New Limit Required: %5$d. Setup Alerts when Quota"
            + " reaches threshold. Learn more at https://aka.ms/quotamonitoringalerting . Submit a request for Quota increase"
            + " at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView by specifying"
            + " parameters listed in the 'Details' section for deployment to succeed. Please read more about quota limits at"
            + " https://docs.microsoft.com/en-us/azure/azure-supportability/regional-quota-requests"),
    FAMILY_QUOTA("OperationNotAllowed", "Operation could not be completed as it results in exceeding approved"
            + " standardDSv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: %2$s,"
            + " Current Limit: 100, Current Usage: 96, Additional Required: %4$d, (Minimum) New Limit Required: %5$d."
            + " Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/"
            + "UsageAndQuota.ReactView by specifying parameters listed in the 'Details' section for deployment to succeed."),
    ALLOCATION_FAILED("AllocationFailed", "Allocation failed. We do not have sufficient capacity for the requested VM size"
            + " in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"),
    ZONAL_ALLOCATION_FAILED("ZonalAllocationFailed", "Allocation failed. We do not have sufficient capacity for the"
            + " requested VM size in this zone. Read more about improving likelihood of allocation success at"
            + " http://aka.ms/allocation-guidance"),
    OVERCONSTRAINED_ALLOCATION("OverconstrainedAllocationRequest", "Allocation failed. VM(s) with the following"
            + " constraints cannot be allocated, because the condition is too restrictive. Please remove some constraints"
            + " and try again. Constraints applied are:\n - Networking Constraints (such as Accelerated Networking or"
            + " IPv6)\n - VM Size\n"),
    OVERCONSTRAINED_ZONAL_ALLOCATION("OverconstrainedZonalAllocationRequest", "Allocation failed. VM(s) with the"
            + " following constraints cannot be allocated, because the condition is too restrictive. Please remove some"
            + " constraints and try again. Constraints applied are:\n - Availability Zone\n - Networking Constraints (such"
            + " as Accelerated Networking or IPv6)\n - VM Size\n"),
    SKU_NOT_AVAILABLE("SkuNotAvailable", "The requested size for resource '%1$s' is currently not available in location"
            + " '%2$s' zones '1' for subscription '%3$s'. Please try another size or deploy to a different location or"
            + " zones. See https://aka.ms/azureskunotavailable for details."),
    SPOT_SKU_NOT_AVAILABLE("SkuNotAvailable", "The requested tier for resource '%1$s' is currently not available in"
            + " location '%2$s' for subscription '%3$s'. Try another tier or deploy to a different location.");

    /** How the refusal reaches the caller. */
    public enum Delivery {
        /** The PATCH itself answers 409 with the error body. */
        SYNC,
        /** The PATCH is accepted; its Azure-AsyncOperation ends Failed with the code in {@code error.code}. */
        ASYNC,
        /**
         * As ASYNC, but the code sits in {@code error.details[0].code} under ARM's generic
         * {@code ResourceDeploymentFailure} ("... reached terminal provisioning state 'Failed'").
         */
        ASYNC_NESTED
    }

    private final String code;
    private final String message;

    FakeRefusal(String code, String message) {
        this.code = code;
        this.message = message;
    }

    public String code() {
        return code;
    }

    /** The error for a PATCH that asked for {@code added} more instances of 2 vCPUs (Standard_D2s_v5). */
    FakeArmError error(Delivery delivery, String resourceId, String location, String subscription, int added) {
        String text = String.format(java.util.Locale.ROOT, message, resourceId, location, subscription, 2 * added, 96 + 2 * added);
        if (delivery == Delivery.ASYNC_NESTED) {
            return new FakeArmError(200, "ResourceDeploymentFailure", "The resource write operation failed to complete"
                    + " successfully, because it reached terminal provisioning state 'Failed'.",
                    List.of(new FakeArmError.Detail(code, null, text)));
        }
        return new FakeArmError(409, code, text);
    }
}
