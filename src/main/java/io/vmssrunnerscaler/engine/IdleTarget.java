package io.vmssrunnerscaler.engine;

import java.util.Optional;

/**
 * How many idle runners a pool keeps ready at one moment, and why: the larger of {@code min-idle}
 * and the adaptive target, never above the pool's max.
 *
 * @param value the target
 * @param minIdle the floor in force (the pool's own, or its schedule period's)
 * @param adaptive the adaptive target and its inputs, when the pool follows its arrivals
 */
public record IdleTarget(int value, int minIdle, Optional<Adaptive> adaptive) {

    /**
     * @param target the adaptive target before the bounds
     * @param arrivals jobs queued within the window
     * @param expectedWithinBoot arrivals expected within one boot time at that rate
     */
    public record Adaptive(int target, int arrivals, double expectedWithinBoot, AdaptiveIdle rule) {}

    static IdleTarget of(Sizing sizing, AdaptiveIdle rule, int arrivals) {
        if (!rule.enabled()) {
            return new IdleTarget(Math.min(sizing.minIdle(), sizing.max()), sizing.minIdle(), Optional.empty());
        }
        int adaptive = rule.target(arrivals);
        int value = Math.min(sizing.max(), Math.max(sizing.minIdle(), adaptive));
        return new IdleTarget(value, sizing.minIdle(),
                Optional.of(new Adaptive(adaptive, arrivals, rule.expectedWithinBoot(arrivals), rule)));
    }
}
