package io.vmssrunnerscaler.sim;

import java.time.Duration;

/** The simulated world's timings and failure rate. */
public record SimSettings(
        Duration capacityDelay,
        Duration provisioningDelay,
        Duration reimageDelay,
        Duration deleteDelay,
        Duration runnerStartDelay,
        double provisioningFailureRate,
        long seed) {}
