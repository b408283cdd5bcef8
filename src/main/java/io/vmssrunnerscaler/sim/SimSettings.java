package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.pool.ScalerConfig;
import java.time.Duration;

/** The simulated world's timings and failure rate. */
public record SimSettings(
        Duration capacityDelay,
        Duration provisioningDelay,
        Duration reimageDelay,
        Duration deleteDelay,
        Duration runnerStartDelay,
        double provisioningFailureRate,
        long seed) {

    public static SimSettings from(ScalerConfig.SimConfig c) {
        return new SimSettings(c.capacityDelay(), c.provisioningDelay(), c.reimageDelay(), c.deleteDelay(),
                c.runnerStartDelay(), c.provisioningFailureRate(), c.seed());
    }
}
