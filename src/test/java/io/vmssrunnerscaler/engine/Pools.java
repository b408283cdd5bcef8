package io.vmssrunnerscaler.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Specs, instances and observations for the engine's tests. */
final class Pools {
    static final Instant T0 = Instant.parse("2025-01-06T09:00:00Z");
    static final Duration BOOT = Duration.ofMinutes(10);
    static final Duration COOLDOWN = Duration.ofMinutes(5);
    static final Duration GRACE = Duration.ofMinutes(2);
    static final Duration QUEUED_MAX_AGE = Duration.ofHours(1);

    private Pools() {}

    /** The seed's sizing: min 1, max 4, 25 % free, re-image or delete. */
    static Spec spec() {
        return new Spec();
    }

    static PoolSpec seed() {
        return spec().build();
    }

    /** The runner (computer) name of an instance id. */
    static String name(String instanceId) {
        return "runner-" + instanceId;
    }

    static Instance instance(String id, Phase phase, Instant since, long jobId) {
        return new Instance(id, name(id), phase, since, phase != Phase.PROVISIONING, jobId, phase.isBusy(), false);
    }

    static Instance provisioning(String id, Instant since) {
        return instance(id, Phase.PROVISIONING, since, 0);
    }

    static Instance idle(String id, Instant since) {
        return instance(id, Phase.IDLE, since, 0);
    }

    static Instance busy(String id, long jobId) {
        return instance(id, Phase.BUSY, T0, jobId);
    }

    static Instance finishing(String id, long jobId, Instant since) {
        return instance(id, Phase.FINISHING, since, jobId);
    }

    static ObservedInstance ok(String id) {
        return new ObservedInstance(id, name(id), ObservedInstance.ProvisioningState.SUCCEEDED);
    }

    static ObservedInstance failed(String id) {
        return new ObservedInstance(id, name(id), ObservedInstance.ProvisioningState.FAILED);
    }

    /** Provisioned, with this power state in its instance view. */
    static ObservedInstance powered(String id, ObservedInstance.PowerState power) {
        return new ObservedInstance(id, name(id), ObservedInstance.ProvisioningState.SUCCEEDED, power);
    }

    /** A fluent {@link PoolSpec} with the seed's values as defaults. */
    static final class Spec {
        private int min = 1;
        private int max = 4;
        private int freePercent = 25;
        private AfterJob afterJob = AfterJob.REIMAGE_OR_DELETE;
        private Duration finishGrace = GRACE;
        private int minIdle;
        private java.util.List<SchedulePeriod> schedule = java.util.List.of();
        private AdaptiveIdle adaptiveIdle = AdaptiveIdle.OFF;

        Spec minIdle(int v) {
            minIdle = v;
            return this;
        }

        Spec schedule(SchedulePeriod... periods) {
            schedule = java.util.List.of(periods);
            return this;
        }

        Spec adaptiveIdle(AdaptiveIdle v) {
            adaptiveIdle = v;
            return this;
        }

        Spec min(int v) {
            min = v;
            return this;
        }

        Spec max(int v) {
            max = v;
            return this;
        }

        Spec free(int v) {
            freePercent = v;
            return this;
        }

        Spec afterJob(AfterJob v) {
            afterJob = v;
            return this;
        }

        Spec finishGrace(Duration v) {
            finishGrace = v;
            return this;
        }

        PoolSpec build() {
            return new PoolSpec("linux", Set.of("Self-Hosted", "linux"), min, max, freePercent, afterJob,
                    BOOT, COOLDOWN, finishGrace, QUEUED_MAX_AGE).withWarmCapacity(minIdle, schedule, adaptiveIdle);
        }
    }
}
