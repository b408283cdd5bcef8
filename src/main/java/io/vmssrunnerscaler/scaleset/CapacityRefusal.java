package io.vmssrunnerscaler.scaleset;

/**
 * A failure by which Azure refused capacity on a scale set (regional vCPU quota, no allocation in
 * the zone or region, the SKU not offered, no Spot capacity), as opposed to a transient conflict or
 * outage: asking the same scale set again within seconds fails the same way, so the caller backs
 * off that scale set and grows elsewhere. Implemented by each adapter's own exception types.
 */
public interface CapacityRefusal {
    /** Azure's error code, e.g. {@code OperationNotAllowed}, {@code AllocationFailed}, {@code SkuNotAvailable}. */
    String refusalCode();

    /** A short reason for operators (no credentials). */
    String refusalReason();
}
