package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.sim.ScalerEndpoints;
import io.vmssrunnerscaler.sim.SimWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A peer policy: what users of actions-runner-controller's runner scale sets get, driving a VM scale
 * set. Desired runners = min + queued + busy jobs, capped at max ({@link PeerRules}), no free
 * percentage; every finished runner's VM is deleted and, while demand lasts, replaced by raising the
 * capacity again (never re-imaged); idle VMs above the desired count are deleted. It learns from the
 * webhooks, as ARC's listener learns from its message session.
 *
 * <p>On Azure, ARC's Kubernetes calls become scale-set calls, so here they go through the same
 * budgeted port as the scaler's ({@link BudgetedScaleSet}: Azure's buckets, waits for a token). The
 * controller is level-triggered: a reconcile every {@code tick} sends at most one delete (every
 * finished and surplus VM known then) and one capacity raise, each only when its bucket has a token
 * now (and no capacity raise is under way); a listing every {@code listEvery} maps runner names to
 * instance ids and corrects the capacity it believes. This is a favourable reading of ARC (its
 * controller does not batch deletes); it measures the policy, not Kubernetes' call pattern.
 * Used only by the benchmarks.
 */
final class PeerPolicy implements ScalerEndpoints {
    private final SimWorld world;
    private final Pool pool;
    private final ScaleSetPort port;
    private final Set<Long> queued = new HashSet<>();
    /** Busy runner name to its job. */
    private final Map<String, Long> busy = new HashMap<>();
    /** Runners whose job completed, whose VM is not deleted yet (Azure still counts it). */
    private final Set<String> finished = new LinkedHashSet<>();
    /** Instance ids whose delete was sent and not refused; they no longer count. */
    private final Set<String> deleting = new HashSet<>();
    private Map<String, ObservedInstance> byName = new HashMap<>();
    /** The capacity as Azure counts it, as far as this policy knows. */
    private int capacity;
    private boolean capacityCall;
    private boolean listCall;
    private long failedCalls;

    PeerPolicy(SimWorld world, Pool pool, ScaleSetPort port) {
        this.world = world;
        this.pool = pool;
        this.port = port;
    }

    /** Starts at min, then reconciles every {@code tick} and lists every {@code listEvery}. */
    void start(Duration tick, Duration listEvery) {
        int min = Math.max(1, pool.spec().min());
        capacityCall = true;
        port.setCapacity(pool.scaleSet(), min).subscribe().with(ok -> {
            capacityCall = false;
            capacity = min;
        }, e -> {
            capacityCall = false;
            failedCalls++;
        });
        every(tick, this::reconcile);
        every(listEvery, this::list);
    }

    /** Calls that failed (refused by the local budget or by Azure); the next reconcile tries again. */
    long failedCalls() {
        return failedCalls;
    }

    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        switch (job.action()) {
            case "queued" -> queued.add(job.jobId());
            case "in_progress" -> {
                queued.remove(job.jobId());
                if (job.runnerName() != null) {
                    busy.put(job.runnerName(), job.jobId());
                }
            }
            case "completed" -> {
                queued.remove(job.jobId());
                if (job.runnerName() != null && busy.remove(job.runnerName()) != null) {
                    finished.add(job.runnerName());
                }
            }
            default -> { }
        }
        return Uni.createFrom().item(200);
    }

    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
        return world.gitHub().createRunnerConfig(pool.scope(), runnerName, pool.labels(), pool.runnerGroup())
                .map(Optional::of);
    }

    @Override
    public void jobStarted(String runnerName) {
        // ARC's runners run no scaler hooks.
    }

    /** The peer does not watch Azure's scheduled events: it hears of no eviction. */
    @Override
    public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
    }

    @Override
    public void jobCompleted(String runnerName) {
    }

    private void reconcile() {
        int desired = PeerRules.desired(pool.spec().min(), pool.spec().max(), queued.size(), busy.size());
        deleteFinishedAndSurplus(desired);
        int wanted = PeerRules.capacityWanted(desired, finished.size(), pool.spec().max());
        if (wanted > capacity && !capacityCall && port.allowance(pool.scaleSet(), Operation.Kind.SET_CAPACITY).allowsNow()) {
            capacityCall = true;
            int before = capacity;
            capacity = wanted;
            port.setCapacity(pool.scaleSet(), wanted).subscribe().with(ok -> capacityCall = false, e -> {
                capacityCall = false;
                capacity = before;
                failedCalls++;
            });
        }
    }

    private void deleteFinishedAndSurplus(int desired) {
        if (!port.allowance(pool.scaleSet(), Operation.Kind.DELETE).allowsNow()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : finished) {
            ObservedInstance i = byName.get(name);
            if (i != null && !deleting.contains(i.instanceId())) {
                ids.add(i.instanceId());
                names.add(name);
            }
        }
        int surplus = PeerRules.surplus(capacity, finished.size(), desired);
        for (ObservedInstance i : byName.values()) {
            if (surplus == 0) {
                break;
            }
            if (idle(i)) {
                ids.add(i.instanceId());
                surplus--;
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        // The call goes out now (its bucket has a token); its answer comes when the instances are gone.
        deleting.addAll(ids);
        finished.removeAll(names);
        capacity -= ids.size();
        port.delete(pool.scaleSet(), ids).subscribe().with(ok -> { }, e -> {
            deleting.removeAll(ids);
            finished.addAll(names);
            capacity += ids.size();
            failedCalls++;
        });
    }

    private boolean idle(ObservedInstance i) {
        return i.state() != ProvisioningState.DELETING && !deleting.contains(i.instanceId()) && !busy.containsKey(i.name())
                && !finished.contains(i.name());
    }

    private void list() {
        if (listCall) {
            return;
        }
        listCall = true;
        port.list(pool.scaleSet()).subscribe().with(instances -> {
            listCall = false;
            Map<String, ObservedInstance> fresh = new HashMap<>();
            Set<String> listed = new HashSet<>();
            for (ObservedInstance i : instances) {
                fresh.put(i.name(), i);
                listed.add(i.instanceId());
            }
            byName = fresh;
            finished.retainAll(fresh.keySet()); // a VM no longer listed is gone and counts no more
            deleting.retainAll(listed);
            if (!capacityCall) {
                capacity = (int) instances.stream().filter(i -> i.state() != ProvisioningState.DELETING
                        && !deleting.contains(i.instanceId())).count();
            }
        }, e -> {
            listCall = false;
            failedCalls++;
        });
    }

    private void every(Duration period, Runnable task) {
        world.time().schedule(period, () -> {
            task.run();
            every(period, task);
        });
    }
}
