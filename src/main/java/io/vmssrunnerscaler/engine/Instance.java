package io.vmssrunnerscaler.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * One scale-set instance.
 *
 * @param instanceId Azure's instance id within the scale set
 * @param name computer name, which is also the runner's name at GitHub
 * @param phase where it is in its lifecycle
 * @param since when it entered that phase
 * @param configIssued a runner configuration was handed out since the last (re)image
 * @param jobId the job it runs, when known (0 when not)
 */
public record Instance(String instanceId, String name, Phase phase, Instant since, boolean configIssued, long jobId) {

    public Instance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(since, "since");
    }

    public static Instance provisioning(String instanceId, String name, Instant now) {
        return new Instance(instanceId, name, Phase.PROVISIONING, now, false, 0);
    }

    /** Moves to {@code to}, or says why it may not. */
    public Transition moveTo(Phase to, Instant now) {
        if (!phase.canMoveTo(to)) {
            return new Transition.Rejected(this, to);
        }
        boolean fresh = to == Phase.PROVISIONING;
        return new Transition.Moved(new Instance(instanceId, name, to, now, !fresh && configIssued, fresh ? 0 : jobId));
    }

    public Instance withConfigIssued() {
        return new Instance(instanceId, name, phase, since, true, jobId);
    }

    public Instance withJob(long job) {
        return new Instance(instanceId, name, phase, since, configIssued, job);
    }

    /** The outcome of asking an instance to change phase. */
    public sealed interface Transition {
        record Moved(Instance instance) implements Transition {}

        record Rejected(Instance instance, Phase to) implements Transition {}
    }
}
