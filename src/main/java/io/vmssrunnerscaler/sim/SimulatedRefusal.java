package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.scaleset.CapacityRefusal;

/** The simulated Azure refusing capacity on a scale set, as it does for quota or allocation. */
public final class SimulatedRefusal extends RuntimeException implements CapacityRefusal {
    private final String code;

    public SimulatedRefusal(String scaleSet, String code) {
        super(code + ": no capacity for scale set " + scaleSet);
        this.code = code;
    }

    @Override
    public String refusalCode() {
        return code;
    }

    @Override
    public String refusalReason() {
        return getMessage();
    }
}
