package io.vmssrunnerscaler.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The simulated world's timings, failure rate and the capacity it takes away ({@link Losses}). */
public record SimSettings(
        Duration capacityDelay,
        Duration provisioningDelay,
        Duration reimageDelay,
        Duration deleteDelay,
        Duration runnerStartDelay,
        double provisioningFailureRate,
        long seed,
        Losses losses) {

    public SimSettings {
        Objects.requireNonNull(losses, "losses");
    }

    /** A world that takes nothing away: no evictions, no VM dies. */
    public SimSettings(Duration capacityDelay, Duration provisioningDelay, Duration reimageDelay, Duration deleteDelay,
            Duration runnerStartDelay, double provisioningFailureRate, long seed) {
        this(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay, provisioningFailureRate, seed,
                Losses.NONE);
    }

    public SimSettings withLosses(Losses newLosses) {
        return new SimSettings(capacityDelay, provisioningDelay, reimageDelay, deleteDelay, runnerStartDelay,
                provisioningFailureRate, seed, newLosses);
    }

    /**
     * Capacity the world takes away. A Spot eviction: the VM's watcher of Azure's scheduled events
     * tells the scaler at once, and {@code evictionNotice} later Azure deletes the VM (the Delete
     * eviction policy: the scale set's capacity drops by one). A kill: the VM leaves the listing at
     * once, with no notice (a host failure, a kernel panic). Either way its runner dies, and GitHub
     * fails the runner's job {@code lostRunnerTimeout} later.
     *
     * @param evictionsPerHour Spot evictions per instance-hour of running Spot VMs (a Poisson rate)
     * @param stormAt when, after the world is built, a storm evicts {@code stormFraction} of every Spot
     *     scale set's running VMs at once; empty: no storm
     * @param evictionNotice from the scheduled event to the VM's deletion (Azure gives at least 30 s)
     * @param killsPerHour VMs of any scale set that die without notice, per instance-hour
     * @param lostRunnerTimeout from a runner's death to GitHub failing its job: the runner renews its
     *     job's lock every minute for ten minutes ahead, so GitHub gives up 9-10 minutes after the
     *     last renewal (runner logs in actions/runner#1546 and #3539)
     * @param spotScaleSets the Spot scale sets by name; empty: every scale set whose name contains
     *     {@code spot}
     */
    public record Losses(double evictionsPerHour, Optional<Duration> stormAt, double stormFraction,
            Duration evictionNotice, double killsPerHour, Duration lostRunnerTimeout, Set<String> spotScaleSets) {

        public static final Duration AZURE_MIN_NOTICE = Duration.ofSeconds(30);
        public static final Duration GITHUB_LOST_RUNNER = Duration.ofMinutes(10);
        public static final Losses NONE = new Losses(0, Optional.empty(), 0, AZURE_MIN_NOTICE, 0, GITHUB_LOST_RUNNER,
                Set.of());

        public Losses {
            if (evictionsPerHour < 0 || killsPerHour < 0) {
                throw new IllegalArgumentException("eviction and kill rates must not be negative");
            }
            if (stormFraction < 0 || stormFraction > 1) {
                throw new IllegalArgumentException("stormFraction must be within 0..1, got " + stormFraction);
            }
            Objects.requireNonNull(stormAt, "stormAt");
            Objects.requireNonNull(evictionNotice, "evictionNotice");
            Objects.requireNonNull(lostRunnerTimeout, "lostRunnerTimeout");
            spotScaleSets = Set.copyOf(spotScaleSets);
        }

        public Losses withEvictions(double perHour) {
            return new Losses(perHour, stormAt, stormFraction, evictionNotice, killsPerHour, lostRunnerTimeout, spotScaleSets);
        }

        public Losses withStorm(Duration at, double fraction) {
            return new Losses(evictionsPerHour, Optional.of(at), fraction, evictionNotice, killsPerHour, lostRunnerTimeout,
                    spotScaleSets);
        }

        public Losses withKills(double perHour) {
            return new Losses(evictionsPerHour, stormAt, stormFraction, evictionNotice, perHour, lostRunnerTimeout,
                    spotScaleSets);
        }

        public Losses withLostRunnerTimeout(Duration timeout) {
            return new Losses(evictionsPerHour, stormAt, stormFraction, evictionNotice, killsPerHour, timeout, spotScaleSets);
        }

        public Losses withSpot(Set<String> scaleSets) {
            return new Losses(evictionsPerHour, stormAt, stormFraction, evictionNotice, killsPerHour, lostRunnerTimeout,
                    scaleSets);
        }

        /** Whether Azure evicts this scale set's VMs (a Spot scale set). */
        public boolean spot(String scaleSet) {
            return spotScaleSets.isEmpty() ? scaleSet.toLowerCase(Locale.ROOT).contains("spot")
                    : spotScaleSets.contains(scaleSet);
        }

        /** Whether anything is ever taken away (otherwise the simulator draws and schedules nothing for it). */
        boolean any() {
            return evictionsPerHour > 0 || killsPerHour > 0 || (stormAt.isPresent() && stormFraction > 0);
        }
    }
}
