package io.vmssrunnerscaler.fakes.arm;

import java.time.Duration;

/**
 * The Compute throttling policies the fake enforces per scale set, with Azure's documented limits
 * (docs/PROTOCOLS.md, "Azure throttling"). Kept apart from the adapter's own mapping on purpose:
 * the fake is the referee.
 */
public enum FakeBucket {
    /** PATCH of the scale set, set-level POST reimage. */
    UPDATE_VMSS("UpdateVMScaleSet", 12, 4),
    /** Set-level POST delete with instanceIds. */
    DELETE_VMSS_VMS("DeleteVMScaleSetVMs", 12, 4),
    /** GET .../virtualMachines, every page. */
    HIGH_COST_GET("HighCostGetVMScaleSet", 30, 10),
    /** GET of the scale set. */
    LOW_COST_GET("LowCostGetVMScaleSet", 36, 12);

    /** {@code bucket} tokens at most, {@code refill} more every {@code period}. */
    public record Limit(int bucket, int refill, Duration period) {
        /**
         * The long window the fake enforces over this (short) bucket by default, named
         * {@code ...30Min}. Azure documents no per-scale-set 30-minute figures, so it is derived:
         * ten times the time the short bucket takes to fill (3 min for 12 at 4/min, hence 30 min),
         * holding every call the short bucket allows in that time (12 + 30 x 4 = 132), refilled
         * evenly (4.4/min). A caller that honours the short bucket never meets it; a co-tenant
         * can spend it. Scaled-down limits get the same shape.
         */
        public Limit longWindow() {
            int periods = Math.max(1, 10 * bucket / refill);
            int calls = bucket + refill * periods;
            return new Limit(calls, calls, period.multipliedBy(periods));
        }
    }

    private final String azureName;
    private final int bucket;
    private final int refillPerMinute;

    FakeBucket(String azureName, int bucket, int refillPerMinute) {
        this.azureName = azureName;
        this.bucket = bucket;
        this.refillPerMinute = refillPerMinute;
    }

    public String azureName() {
        return azureName;
    }

    public Limit azureLimit() {
        return new Limit(bucket, refillPerMinute, Duration.ofMinutes(1));
    }
}
