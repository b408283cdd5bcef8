package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.ObservedRunner;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Reads one scale set's decisions for the journeys of its pool: receipts, milestones, starts, ends and calls. */
final class JourneyListener implements PoolListener {
    private final String scaleSet;
    private final JobJourneys.PoolJourneys journeys;
    private final TimeSource time;

    JourneyListener(String scaleSet, JobJourneys.PoolJourneys journeys, TimeSource time) {
        this.scaleSet = scaleSet;
        this.journeys = journeys;
        this.time = time;
    }

    @Override
    public void decided(PoolState before, PoolEvent event, Decision decision) {
        Instant now = time.now();
        PoolState after = decision.state();
        if (event instanceof PoolEvent.JobQueued e && !before.queued().containsKey(e.jobId())
                && after.queued().containsKey(e.jobId())) {
            journeys.received(e.jobId(), e.repository(), e.createdAt(), after.queued().get(e.jobId()).since());
        }
        instances(before, after, now);
        for (PoolCommand c : decision.commands()) {
            if (c instanceof PoolCommand.SetCapacity) {
                journeys.capacityAsked(after.queued().keySet(), now);
            } else if (c instanceof PoolCommand.GrantRunnerConfig g) {
                journeys.configured(g.runnerName(), now);
            }
        }
        if (event instanceof PoolEvent.RunnerOnline e) {
            journeys.online(e.runnerName(), now);
        } else if (event instanceof PoolEvent.RunnersObserved e) {
            e.runners().stream().filter(ObservedRunner::online).forEach(r -> journeys.online(r.name(), e.listedAt()));
        } else if (event instanceof PoolEvent.JobStarted e) {
            // A runner's hook may have come first: the job started when its instance went busy.
            Instant at = after.byName(e.runnerName()).filter(i -> i.phase().isBusy()).map(Instance::since)
                    .filter(since -> since.isBefore(now)).orElse(now);
            journeys.started(e.jobId(), e.runnerName(), at);
        } else if (event instanceof PoolEvent.JobCompleted e) {
            journeys.completed(e.jobId(), now);
        } else if (event instanceof PoolEvent.OperationSucceeded e) {
            call(before, e.operationId(), "succeeded", now);
        } else if (event instanceof PoolEvent.InstancesObserved e) {
            call(before, e.operationId(), "succeeded", now);
        } else if (event instanceof PoolEvent.OperationFailed e) {
            call(before, e.operationId(), "failed", now);
        } else if (event instanceof PoolEvent.CapacityRefused e) {
            call(before, e.operationId(), "refused", now);
        }
    }

    /** Instances that appeared, came back from a re-image, or left. */
    private void instances(PoolState before, PoolState after, Instant now) {
        for (Instance i : after.instances().values()) {
            Instance was = before.instances().get(i.instanceId());
            if (was == null) {
                journeys.instanceCreated(i.name(), now);
            } else if (was.phase() == Phase.REIMAGING && i.phase() == Phase.PROVISIONING) {
                journeys.recycled(i.name(), now);
                journeys.instanceCreated(i.name(), now);
            }
        }
        for (Instance was : before.instances().values()) {
            if (!after.instances().containsKey(was.instanceId())) {
                journeys.recycled(was.name(), now);
                journeys.forgetRunner(was.name());
            }
        }
    }

    private void call(PoolState before, long operationId, String outcome, Instant now) {
        Optional<Operation> op = before.operations().stream().filter(o -> o.id() == operationId).findFirst();
        op.filter(o -> o.kind() != Operation.Kind.DRAIN).ifPresent(o -> journeys.call(new JobJourney.CallTime(scaleSet,
                o.kind().name().toLowerCase(Locale.ROOT), outcome, o.since(), now)));
    }
}
