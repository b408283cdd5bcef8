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
 * @param marked the busy store holds a marker for its runner: from its job's start until it is
 *     re-imaged or deleted, so that a restart in between still knows it ran a job and must be
 *     recycled, not taken for a fresh instance still booting
 * @param poweredOff the latest listing showed the VM stopped or deallocated (or on its way there):
 *     once no job runs on it, it is deleted and replaced, never re-imaged
 * @param vmId Azure's unique id of the VM ({@code properties.vmId}) as the latest listing shows it,
 *     null while no listing has carried it: what a VM's attested document must name to get the
 *     instance's runner configuration
 * @param repository {@code owner/name} of the repository whose job it runs, empty when not known:
 *     what GitHub must be asked about the job if the instance is lost under it
 */
public record Instance(String instanceId, String name, Phase phase, Instant since, boolean configIssued, long jobId,
        boolean marked, boolean poweredOff, String vmId, String repository) {

    public Instance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(since, "since");
        repository = repository == null ? "" : repository;
    }

    /** An instance whose job's repository is not known. */
    public Instance(String instanceId, String name, Phase phase, Instant since, boolean configIssued, long jobId,
            boolean marked, boolean poweredOff, String vmId) {
        this(instanceId, name, phase, since, configIssued, jobId, marked, poweredOff, vmId, "");
    }

    /** An instance whose VM id no listing has shown yet. */
    public Instance(String instanceId, String name, Phase phase, Instant since, boolean configIssued, long jobId,
            boolean marked, boolean poweredOff) {
        this(instanceId, name, phase, since, configIssued, jobId, marked, poweredOff, null, "");
    }

    public static Instance provisioning(String instanceId, String name, Instant now) {
        return new Instance(instanceId, name, Phase.PROVISIONING, now, false, 0, false, false, null, "");
    }

    /** Moves to {@code to}, or says why it may not. A re-imaged instance starts afresh: no job, no marker. */
    public Transition moveTo(Phase to, Instant now) {
        if (!phase.canMoveTo(to)) {
            return new Transition.Rejected(this, to);
        }
        boolean fresh = to == Phase.PROVISIONING;
        return new Transition.Moved(new Instance(instanceId, name, to, now, !fresh && configIssued, fresh ? 0 : jobId,
                !fresh && marked, poweredOff, vmId, fresh ? "" : repository));
    }

    public Instance withConfigIssued() {
        return new Instance(instanceId, name, phase, since, true, jobId, marked, poweredOff, vmId, repository);
    }

    /** Runs this job of this repository; an empty repository keeps the one known. */
    public Instance withJob(long job, String jobRepository) {
        String repo = jobRepository == null || jobRepository.isEmpty() ? repository : jobRepository;
        return new Instance(instanceId, name, phase, since, configIssued, job, marked, poweredOff, vmId, repo);
    }

    public Instance withMarker() {
        return withMarker(true);
    }

    /** Marked in the busy store or not. */
    public Instance withMarker(boolean mark) {
        return new Instance(instanceId, name, phase, since, configIssued, jobId, mark, poweredOff, vmId, repository);
    }

    /** As the latest listing shows its power: off (stopped, deallocated, or going there) or not. */
    public Instance withPoweredOff(boolean off) {
        return new Instance(instanceId, name, phase, since, configIssued, jobId, marked, off, vmId, repository);
    }

    /** As the latest listing names the VM behind the instance. */
    public Instance withVmId(String id) {
        return new Instance(instanceId, name, phase, since, configIssued, jobId, marked, poweredOff, id, repository);
    }

    /** The outcome of asking an instance to change phase. */
    public sealed interface Transition {
        record Moved(Instance instance) implements Transition {}

        record Rejected(Instance instance, Phase to) implements Transition {}
    }
}
