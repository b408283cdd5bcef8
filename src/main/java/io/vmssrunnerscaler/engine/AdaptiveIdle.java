package io.vmssrunnerscaler.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * An idle target that follows the pool's recent arrivals. A job that takes an idle runner is
 * replaced at once, and the replacement is ready one boot later; the jobs arriving meanwhile find
 * a runner only while idle ones are left. With arrivals a Poisson process of the rate seen over
 * {@code window}, the target is the smallest number of idle runners that covers the arrivals
 * within one {@code bootTime} with probability {@code quantile}.
 *
 * @param enabled off: the idle target is the pool's {@code min-idle} alone
 * @param window how far back arrivals are counted (per minute)
 * @param bootTime from asking for a VM to its runner taking a job
 * @param quantile in (0, 1): how often the idle runners should cover a boot time's arrivals
 */
public record AdaptiveIdle(boolean enabled, Duration window, Duration bootTime, double quantile) {
    public static final AdaptiveIdle OFF = new AdaptiveIdle(false, Duration.ofMinutes(30), Duration.ofSeconds(120), 0.95);

    public AdaptiveIdle {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(bootTime, "bootTime");
        if (window.toMinutes() < 1 || bootTime.isNegative() || !(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("need a window of a minute or more, a boot time >= 0 and 0 < quantile < 1");
        }
    }

    /** The jobs expected within one boot time at the rate of {@code arrivals} within the window. */
    public double expectedWithinBoot(int arrivals) {
        return arrivals * (double) bootTime.toMillis() / window.toMillis();
    }

    /** The target for {@code arrivals} within the window, before the pool's bounds. */
    public int target(int arrivals) {
        return poissonQuantile(expectedWithinBoot(arrivals), quantile);
    }

    /** The smallest k with P(N <= k) >= q for N ~ Poisson(mean); summed in log space, so large means do not underflow. */
    static int poissonQuantile(double mean, double q) {
        if (mean <= 0) {
            return 0;
        }
        double logTerm = -mean;
        double cumulative = Math.exp(logTerm);
        int k = 0;
        double bound = mean + 20 * Math.sqrt(mean) + 20; // beyond it the remaining mass is negligible
        while (cumulative < q && k < bound) {
            k++;
            logTerm += Math.log(mean) - Math.log(k);
            cumulative += Math.exp(logTerm);
        }
        return k;
    }
}
