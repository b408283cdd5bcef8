package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.Sizing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each waiting job of a scale set stands. Jobs are not bound to instances until GitHub starts
 * them, so the oldest jobs are paired with the readiest runners (online, configured, booting,
 * coming back from a re-image), and the jobs left over wait for capacity: asked for (provisioning),
 * or not yet, with the reason that holds it back.
 */
public final class WaitingJobs {
    private WaitingJobs() {}

    public static List<WaitingJob> of(PoolLoop loop, JobJourneys journeys, Instant now) {
        PoolState s = loop.state();
        String pool = loop.pool().poolName();
        List<String> runners = readiest(s, journeys, pool);
        // A busy runner whose job id is not known yet runs one of these jobs (see PoolState.demand).
        long startedUnknown = s.instances().values().stream().filter(i -> i.phase().isBusy() && i.jobId() == 0).count();
        List<Map.Entry<Long, PoolState.QueuedJob>> jobs = s.queued().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Long, PoolState.QueuedJob> e) -> e.getValue().since())
                        .thenComparing(Map.Entry::getKey))
                .toList();
        String capacityStage = s.operations().stream().anyMatch(o -> o.kind() == Operation.Kind.SET_CAPACITY)
                && loop.capacityHeldSince().isEmpty() ? WaitingJob.PROVISIONING : WaitingJob.CAPACITY;
        String reason = capacityStage.equals(WaitingJob.CAPACITY) ? heldBy(loop, s, now).map(Hold::reason).orElse(null)
                : null;
        List<WaitingJob> waiting = new ArrayList<>();
        int next = 0;
        for (Map.Entry<Long, PoolState.QueuedJob> e : jobs) {
            String stage;
            String why = null;
            if (startedUnknown > 0) {
                startedUnknown--;
                stage = WaitingJob.ASSIGNING;
            } else if (next < runners.size()) {
                stage = runners.get(next++);
            } else {
                stage = capacityStage;
                why = reason;
            }
            PoolState.QueuedJob job = e.getValue();
            waiting.add(new WaitingJob(e.getKey(), job.repository(), job.since(),
                    Math.max(0, Duration.between(job.since(), now).toMillis()) / 1000.0, stage, why));
        }
        return waiting;
    }

    /** The stage of each runner that could take a job, readiest first. */
    private static List<String> readiest(PoolState s, JobJourneys journeys, String pool) {
        List<String> online = new ArrayList<>();
        List<String> registering = new ArrayList<>();
        List<String> booting = new ArrayList<>();
        for (Instance i : s.instances().values()) {
            if (i.phase() == Phase.IDLE && journeys.online(pool, i.name())) {
                online.add(WaitingJob.ASSIGNING);
            } else if (i.phase() == Phase.IDLE) {
                registering.add(WaitingJob.REGISTERING);
            } else if (i.phase() == Phase.PROVISIONING || i.phase() == Phase.REIMAGING) {
                booting.add(WaitingJob.BOOTING);
            }
        }
        List<String> all = new ArrayList<>(online);
        all.addAll(registering);
        all.addAll(booting);
        return all;
    }

    /** What keeps capacity from being asked for, and when that ends by itself (null when it does not). */
    record Hold(String reason, Instant until) {}

    /** What keeps capacity from being asked for now, if anything. */
    static Optional<Hold> heldBy(PoolLoop loop, PoolState s, Instant now) {
        Sizing sizing = s.sizing();
        if (s.paused()) {
            return Optional.of(new Hold("paused by an operator: no new capacity", null));
        }
        if (loop.pool().draining()) {
            return Optional.of(new Hold("scale set draining: it takes no new capacity", null));
        }
        Optional<PoolState.GrowthRefusal> refusal = s.growthRefusal().filter(r -> now.isBefore(r.until()))
                .or(() -> s.evictionHoldAt(now));
        if (refusal.isPresent()) {
            return Optional.of(new Hold("capacity refused: " + refusal.get().code() + " (" + refusal.get().reason()
                    + "); asked again after " + refusal.get().until(), refusal.get().until()));
        }
        Optional<Hold> backoff = backoff(s, now);
        if (backoff.isPresent()) {
            return backoff;
        }
        if (s.live() >= sizing.max()) {
            return Optional.of(new Hold("pool at max (" + sizing.max() + ")", null));
        }
        if (loop.capacityHeldSince().isPresent()) {
            return Optional.of(new Hold("waiting for Azure budget since " + loop.capacityHeldSince().get(), null));
        }
        return Optional.empty();
    }

    /** The scale set backs off after failed calls: no change of any kind before it ends. */
    static Optional<Hold> backoff(PoolState s, Instant now) {
        return now.isBefore(s.backoffUntil())
                ? Optional.of(new Hold("scale set backing off after " + s.consecutiveFailures() + " failed call(s) until "
                        + s.backoffUntil(), s.backoffUntil()))
                : Optional.empty();
    }
}
