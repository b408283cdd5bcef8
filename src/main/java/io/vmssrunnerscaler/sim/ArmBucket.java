package io.vmssrunnerscaler.sim;

import java.time.Duration;

/**
 * The Compute throttling policies the simulated Azure counts per scale set, with Azure's documented
 * per-scale-set limits (docs/PROTOCOLS.md, "Azure throttling"). Kept apart from the adapter's own mapping
 * ({@code scaleset.azure.ArmPolicy}) on purpose: the simulator is the referee.
 */
public enum ArmBucket {
    /** Capacity PATCH and the set-level re-image (with instanceIds). */
    UPDATE_VMSS("UpdateVMScaleSet", 12, 4),
    /** Deleting, powering off or deallocating the whole set. */
    DELETE_VMSS("DeleteVMScaleSet", 12, 4),
    /** Listing the instances. */
    HIGH_COST_GET_VMSS("HighCostGetVMScaleSet", 30, 10),
    /** GET of the scale set itself. */
    LOW_COST_GET_VMSS("LowCostGetVMScaleSet", 36, 12),
    /** Per-VM re-image. */
    UPDATE_VMSS_VMS("UpdateVMScaleSetVMs", 12, 4),
    /** Per-VM delete, and the set-level delete with instanceIds (as the ARM fake and the adapter charge it). */
    DELETE_VMSS_VMS("DeleteVMScaleSetVMs", 12, 4),
    /** Per-VM GET. */
    GET_VMSS_VMS("GetVMScaleSetVMs", 36, 12);

    private final String azureName;
    private final int bucket;
    private final int refillPerMinute;

    ArmBucket(String azureName, int bucket, int refillPerMinute) {
        this.azureName = azureName;
        this.bucket = bucket;
        this.refillPerMinute = refillPerMinute;
    }

    /** The name as in {@code x-ms-ratelimit-remaining-resource: Microsoft.Compute/<name>;<count>}. */
    public String azureName() {
        return azureName;
    }

    /** Tokens at most. */
    public int bucket() {
        return bucket;
    }

    /** Tokens added per minute, continuously. */
    public int refillPerMinute() {
        return refillPerMinute;
    }

    Duration perToken() {
        return Duration.ofMinutes(1).dividedBy(refillPerMinute);
    }
}
