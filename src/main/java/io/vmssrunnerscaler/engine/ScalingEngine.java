package io.vmssrunnerscaler.engine;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.engine.PoolEvent.InstancesObserved;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The scaling rules: {@code decide(state, event, now) -> (state', commands)}. Pure: no I/O, no
 * clock, no threads. Each event first updates the pool's facts; then {@link Planner} derives what
 * to do from the whole snapshot, so a lost or repeated event cannot drift the pool's size.
 */
public final class ScalingEngine {

    public Decision decide(PoolState state, PoolEvent event, Instant now) {
        PoolDraft d = new PoolDraft(state, now);
        apply(d, event);
        Planner.plan(d);
        return d.finish();
    }

    private void apply(PoolDraft d, PoolEvent event) {
        if (event instanceof PoolEvent.JobQueued e) {
            jobQueued(d, e);
        } else if (event instanceof PoolEvent.JobHandedOff e) {
            d.dequeue(e.jobId());
        } else if (event instanceof PoolEvent.JobStarted e) {
            jobStarted(d, e.jobId(), e.runnerName(), e.repository());
        } else if (event instanceof PoolEvent.BusyRestored e) {
            busyRestored(d, e);
        } else if (event instanceof PoolEvent.InstanceEvicted e) {
            d.byName(e.runnerName()).ifPresent(d::evict);
        } else if (event instanceof PoolEvent.JobCompleted e) {
            jobCompleted(d, e.jobId(), e.runnerName());
        } else if (event instanceof PoolEvent.RunnerConfigRequested e) {
            configRequested(d, e);
        } else if (event instanceof PoolEvent.RunnerConfigFailed e) {
            d.byName(e.runnerName()).filter(i -> i.phase() == Phase.IDLE && i.jobId() == 0)
                    .ifPresent(i -> d.move(i, Phase.PROVISIONING));
        } else if (event instanceof PoolEvent.RunnerJobStarted e) {
            runnerStarted(d, e.runnerName(), 0, "", false);
        } else if (event instanceof PoolEvent.RunnerJobFinishing e) {
            d.byName(e.runnerName()).filter(i -> i.phase() == Phase.BUSY).ifPresent(i -> d.move(i, Phase.FINISHING));
        } else if (event instanceof PoolEvent.RunnerRemoved e) {
            d.drainAnswered(e.drainId(), true);
        } else if (event instanceof PoolEvent.RunnerRemovalRefused e) {
            // Back where it was; the cool-down (or boot timeout) starts again, which also paces
            // retries against GitHub.
            d.drainAnswered(e.drainId(), false);
        } else if (event instanceof InstancesObserved e) {
            instancesObserved(d, e);
        } else if (event instanceof PoolEvent.OperationSucceeded e) {
            d.removeOperation(e.operationId()).ifPresent(op -> operationSucceeded(d, op));
        } else if (event instanceof PoolEvent.OperationFailed e) {
            d.removeOperation(e.operationId()).ifPresent(op -> operationFailed(d, op, e.reason()));
        } else if (event instanceof PoolEvent.CapacityRefused e) {
            d.removeOperation(e.operationId()).ifPresent(op -> capacityRefused(d, op, e));
        } else if (event instanceof PoolEvent.RunnersObserved e) {
            Reconciliation.runnersObserved(d, e);
        } else if (event instanceof PoolEvent.MarkersObserved e) {
            Reconciliation.markersObserved(d, e);
        } else if (event instanceof PoolEvent.RefreshRequested) {
            d.requestList();
        } else if (event instanceof PoolEvent.PreferenceChanged e) {
            d.preferElsewhere(e.preferredElsewhere());
        } else if (event instanceof PoolEvent.PauseSet e) {
            d.control(d.control().withPaused(e.paused()));
        } else if (event instanceof PoolEvent.OverridesSet e) {
            d.control(d.control().withOverrides(e.min(), e.max(), e.minIdle()));
        } else if (event instanceof PoolEvent.DrainRequested e) {
            // An idle or booting instance only: a busy one is never drained, and one already on its
            // way out needs nothing more.
            d.instance(e.instanceId()).filter(i -> i.phase() == Phase.IDLE || i.phase() == Phase.PROVISIONING)
                    .ifPresent(d::startDrain);
        } else if (event instanceof PoolEvent.RunnerOnline) {
            // Nothing to decide: the runner was configured already; observers note when it came online.
        } else if (event instanceof PoolEvent.Tick) {
            // Nothing to record: the planner applies the time-based rules.
        } else {
            // Java 17 has no exhaustive switch over a sealed type: a new event must not pass unseen.
            throw new IllegalArgumentException("unhandled event " + event);
        }
    }

    private void jobQueued(PoolDraft d, PoolEvent.JobQueued e) {
        if (!d.jobSeen(e.jobId())) {
            // A job read back from the store keeps its age, so that it still expires in time.
            Instant since = e.queuedAt() != null && e.queuedAt().isBefore(d.now()) ? e.queuedAt() : d.now();
            d.enqueue(e.jobId(), new PoolState.QueuedJob(since, e.repository()));
        }
    }

    private void jobStarted(PoolDraft d, long jobId, String runnerName, String repository) {
        if (d.jobEnded(jobId)) {
            return; // in_progress after completed: the job is over already
        }
        String repo = repository.isEmpty()
                ? Optional.ofNullable(d.queued().get(jobId)).map(PoolState.QueuedJob::repository).orElse("") : repository;
        d.dequeue(jobId);
        runnerStarted(d, runnerName, jobId, repo, false);
    }

    /** A busy marker read back at start: a job start, whose instance an earlier process listed. */
    private void busyRestored(PoolDraft d, PoolEvent.BusyRestored e) {
        if (e.jobId() != 0 && d.jobEnded(e.jobId())) {
            return;
        }
        runnerStarted(d, e.runnerName(), e.jobId(), e.repository(), true);
    }

    static void runnerStarted(PoolDraft d, String runnerName, long jobId, String repository, boolean restored) {
        Optional<Instance> found = d.byName(runnerName);
        if (found.isEmpty()) {
            if (runnerName != null) {
                d.recordOrphanStart(runnerName, jobId, restored, repository);
                d.requestList(); // the instance exists at Azure; learn it before anything decides about it
            }
            return;
        }
        Instance instance = found.get();
        if (instance.phase().isBusy()) {
            if (jobId != 0 && instance.jobId() != jobId) {
                d.assignJob(instance, jobId, repository);
            }
            return;
        }
        if (d.move(instance, Phase.BUSY)) {
            d.assignJob(instance, jobId, repository);
        }
    }

    private void jobCompleted(PoolDraft d, long jobId, String runnerName) {
        if (d.jobEnded(jobId)) {
            return; // a repeated completed changes nothing
        }
        d.recordEnded(jobId);
        d.dequeue(jobId);
        if (runnerName == null) {
            return; // cancelled while queued
        }
        d.forgetOrphanStart(runnerName);
        d.byName(runnerName)
                // A re-imaged instance keeps its name; never end a newer job for an old delivery.
                .filter(i -> i.jobId() == 0 || i.jobId() == jobId)
                .filter(i -> i.phase().isBusy() || i.phase() == Phase.IDLE || i.phase() == Phase.PROVISIONING
                        || i.phase() == Phase.DRAINING)
                .ifPresent(d::endJob);
    }

    private void configRequested(PoolDraft d, PoolEvent.RunnerConfigRequested e) {
        String runnerName = e.runnerName();
        Optional<Instance> found = d.byName(runnerName);
        if (found.isEmpty()) {
            d.rejectConfig(runnerName, ConfigRejection.UNKNOWN_INSTANCE);
            d.requestList();
            return;
        }
        Instance instance = found.get();
        // The proof comes first: a caller that is another VM learns nothing about this one's state.
        if (e.provenVmId() != null && instance.vmId() == null) {
            d.rejectConfig(runnerName, ConfigRejection.VM_ID_NOT_LISTED);
            d.requestList();
        } else if (e.provenVmId() != null && !e.provenVmId().equalsIgnoreCase(instance.vmId())) {
            d.rejectConfig(runnerName, ConfigRejection.WRONG_VM);
        } else if (instance.configIssued()) {
            d.rejectConfig(runnerName, ConfigRejection.ALREADY_CONFIGURED);
        } else if (instance.phase() != Phase.PROVISIONING) {
            d.rejectConfig(runnerName, ConfigRejection.NOT_PROVISIONING);
        } else {
            d.grantConfig(instance);
        }
    }

    private void instancesObserved(PoolDraft d, InstancesObserved e) {
        Optional<Operation> listing = d.removeOperation(e.operationId());
        if (!d.listingApplied(e.operationId())) {
            return; // an older listing overtaken by a newer one
        }
        Set<String> seen = new HashSet<>();
        for (ObservedInstance o : e.instances()) {
            seen.add(o.instanceId());
            observe(d, o);
        }
        for (Instance known : d.instances()) {
            if (!seen.contains(known.instanceId())) {
                // Gone without this scaler deleting it, under a job whose end nobody reported.
                if (known.phase() == Phase.BUSY) {
                    d.lose(known, PoolCommand.LostReason.VANISHED);
                }
                d.remove(known);
            }
        }
        listing.ifPresent(op -> loseRestoredOrphans(d, op.since()));
    }

    /**
     * A busy runner read back from the store whose instance a listing asked for after the read
     * does not show went away while no scaler watched: its job is lost. A start that came by
     * webhook is not judged so: its runner may belong to no scale set of this pool.
     */
    private void loseRestoredOrphans(PoolDraft d, Instant listingAskedAt) {
        d.orphanStarts().forEach((runner, orphan) -> {
            if (orphan.restored() && !orphan.at().isAfter(listingAskedAt) && d.byName(runner).isEmpty()) {
                d.loseOrphan(runner, orphan);
            }
        });
    }

    private void observe(PoolDraft d, ObservedInstance o) {
        Optional<Instance> known = d.instance(o.instanceId());
        if (known.isEmpty()) {
            if (o.state() == ProvisioningState.DELETING) {
                return;
            }
            Instance fresh = Instance.provisioning(o.instanceId(), o.name(), d.now());
            d.add(fresh);
            Optional<PoolState.OrphanStart> orphan = d.forgetOrphanStart(o.name());
            if (orphan.isPresent()) {
                runnerStarted(d, o.name(), orphan.get().jobId(), orphan.get().repository(), false);
            } else if (o.state() == ProvisioningState.FAILED) {
                d.move(fresh, Phase.FAILED);
            }
        } else if (o.state() == ProvisioningState.FAILED) {
            d.move(known.get(), Phase.FAILED); // refused for busy instances by the lifecycle table
        }
        d.instance(o.instanceId()).ifPresent(i -> d.observeVmId(i, o.vmId()));
        observePower(d, o);
    }

    /**
     * A VM stopped or deallocated (or going there) is replaced like a failed one, but drained
     * first: GitHub may just have handed its runner a job, and only GitHub can say it did not. A
     * busy one is left alone until its job is over; then it is deleted, not re-imaged. A refused
     * drain is asked again at the next listing that still shows the VM off.
     */
    private void observePower(PoolDraft d, ObservedInstance o) {
        Optional<Instance> instance = d.instance(o.instanceId()).map(i -> d.observePower(i, o.power().isOff()));
        if (instance.isPresent() && instance.get().poweredOff()
                && (instance.get().phase() == Phase.IDLE || instance.get().phase() == Phase.PROVISIONING)) {
            d.startDrain(instance.get());
        } else if (instance.isPresent() && instance.get().poweredOff() && instance.get().phase() == Phase.EVICTED) {
            d.move(instance.get(), Phase.FAILED); // evicted, but kept stopped (a Deallocate policy): delete it
        }
    }

    private void operationSucceeded(PoolDraft d, Operation op) {
        d.resetFailures();
        switch (op.kind()) {
            case SET_CAPACITY -> {
                d.settleGrowthWith(d.requestFreshList());
                d.growthAccepted();
            }
            case REIMAGE -> forEach(d, op, Phase.REIMAGING, i -> d.move(i, Phase.PROVISIONING));
            case DELETE -> forEach(d, op, Phase.DELETING, d::remove);
            case LIST, DRAIN -> { } // listings report through InstancesObserved, drains through their own events
        }
    }

    private void operationFailed(PoolDraft d, Operation op, String reason) {
        d.recordFailure(op, reason);
        switch (op.kind()) {
            // The PATCH may have partly happened: learn the real instances before growing again.
            case SET_CAPACITY -> d.settleGrowthWith(d.requestFreshList());
            case REIMAGE -> forEach(d, op, Phase.REIMAGING, i -> d.move(i, Phase.FAILED));
            case DELETE -> forEach(d, op, Phase.DELETING, i -> d.move(i, Phase.FAILED));
            case LIST, DRAIN -> { } // the planner asks again after the back-off if it still needs a listing
        }
    }

    /**
     * A refused capacity change backs off growth alone; a refusal of another call (an allocation
     * failure on re-image) fails it like any other failure.
     */
    private void capacityRefused(PoolDraft d, Operation op, PoolEvent.CapacityRefused e) {
        if (op.kind() != Operation.Kind.SET_CAPACITY) {
            operationFailed(d, op, "refused (" + e.code() + "): " + e.reason());
            return;
        }
        d.recordRefusal(e.code(), e.reason());
        // An allocation may fail after part of the instances were made: learn what Azure holds.
        d.settleGrowthWith(d.requestFreshList());
    }

    private static void forEach(PoolDraft d, Operation op, Phase phase, java.util.function.Consumer<Instance> action) {
        for (String id : op.instanceIds()) {
            d.instance(id).filter(i -> i.phase() == phase).ifPresent(action);
        }
    }
}
