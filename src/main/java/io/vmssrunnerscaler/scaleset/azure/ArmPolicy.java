package io.vmssrunnerscaler.scaleset.azure;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Microsoft.Compute throttling policies for scale sets and their per-scale-set token buckets
 * (docs/PROTOCOLS.md, "Azure throttling"; Microsoft Learn, "Compute throttling limits"). Azure
 * counts every call against one of these, per scale set and per region, and answers 429 when the
 * bucket is empty.
 */
public enum ArmPolicy {
    /** Capacity PATCH and the set-level actions (reimage with instanceIds, start, restart). */
    UPDATE_VMSS("UpdateVMScaleSet", 4, 12),
    /** Deleting, powering off or deallocating the whole set. */
    DELETE_VMSS("DeleteVMScaleSet", 4, 12),
    /** Listing instances (each page), instance view. */
    HIGH_COST_GET_VMSS("HighCostGetVMScaleSet", 10, 30),
    /** GET of the scale set itself (also the final GET after a capacity PATCH). */
    LOW_COST_GET_VMSS("LowCostGetVMScaleSet", 12, 36),
    /** Per-VM reimage, restart, update. */
    UPDATE_VMSS_VMS("UpdateVMScaleSetVMs", 4, 12),
    /** Per-VM delete; this adapter also charges the batch delete here (see ArmCall). */
    DELETE_VMSS_VMS("DeleteVMScaleSetVMs", 4, 12),
    /** Per-VM GET. */
    GET_VMSS_VMS("GetVMScaleSetVMs", 12, 36);

    private final String azureName;
    private final int refillPerMinute;
    private final int bucket;

    ArmPolicy(String azureName, int refillPerMinute, int bucket) {
        this.azureName = azureName;
        this.refillPerMinute = refillPerMinute;
        this.bucket = bucket;
    }

    /** The name as in {@code x-ms-ratelimit-remaining-resource: Microsoft.Compute/<name>;<count>}. */
    public String azureName() {
        return azureName;
    }

    /**
     * The policy with this name, ignoring case; {@code name} without the provider and without a
     * window suffix (see {@link RateLimitHeaders}).
     */
    public static Optional<ArmPolicy> byAzureName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (ArmPolicy p : values()) {
            if (p.azureName.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Azure's documented per-scale-set limit. */
    public ThrottleBudget.Limit azureLimit() {
        return new ThrottleBudget.Limit(bucket, refillPerMinute, Duration.ofMinutes(1));
    }
}
