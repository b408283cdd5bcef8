package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.shell.LostJobs;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code GET /pools} shows of one pool. A pool over several scale sets shows the sums and the
 * instances of all of them, and each scale set's own view in {@code scaleSets} (null for a pool of one).
 * {@code lostJobs}: jobs lost with their runners, newest first, and what became of each; a scale
 * set evicted often shows a {@code growthRefusal} with code {@code EvictedOften}.
 */
public record PoolView(
        String name,
        String scope,
        Set<String> labels,
        String scaleSet,
        int min,
        int max,
        int desired,
        int live,
        int busy,
        int queued,
        List<InstanceView> instances,
        List<OperationView> operations,
        FailureView lastFailure,
        GrowthRefusalView growthRefusal,
        int evictionsLastHour,
        List<LostJobView> lostJobs,
        List<PoolView> scaleSets) {

    /** @param vmId Azure's id of the VM, what its attested document names; null until a listing shows it */
    public record InstanceView(String instanceId, String name, String phase, Instant since, Long jobId, String vmId) {}

    public record OperationView(long id, String kind, List<String> instanceIds, Integer capacity, Instant since) {}

    public record FailureView(String kind, String reason, Instant at) {}

    /**
     * A job lost with its runner.
     *
     * @param jobId null while not known
     * @param reason evicted, vanished or runner-offline
     * @param outcome watching, rerun, not-rerun, succeeded or gave-up
     */
    public record LostJobView(Long jobId, String repository, String runner, String reason, Instant at, String outcome,
            String detail) {

        static LostJobView of(LostJobs.LostJob j) {
            return new LostJobView(j.jobId() == 0 ? null : j.jobId(), j.repository(), j.runnerName(), j.reason(), j.at(),
                    j.outcome().label(), j.detail());
        }
    }

    /** Azure refused capacity {@code inARow} times; no capacity is asked for before {@code until}. */
    public record GrowthRefusalView(String code, String reason, int inARow, Instant at, Instant until) {}

    public static PoolView of(Pool pool, PoolState s, List<LostJobs.LostJob> lost, Instant now) {
        int lastHour = (int) s.evictions().stream().filter(at -> at.isAfter(now.minus(java.time.Duration.ofHours(1)))).count();
        return new PoolView(pool.name(), pool.scope().toString(), new TreeSet<>(pool.labels()), pool.scaleSet().name(),
                pool.spec().min(), pool.spec().max(), s.desired(), s.live(), s.busy(), s.queued().size(),
                s.instances().values().stream().map(PoolView::instance).toList(),
                s.operations().stream().map(PoolView::operation).toList(),
                s.lastFailure().map(f -> new FailureView(f.kind().name(), f.reason(), f.at())).orElse(null),
                s.growthRefusal().or(() -> s.evictionHoldAt(now))
                        .map(r -> new GrowthRefusalView(r.code(), r.reason(), r.inARow(), r.at(), r.until()))
                        .orElse(null), lastHour, lost.stream().map(LostJobView::of).toList(), null);
    }

    /** A pool over several scale sets, from each scale set's view in the pool's order. */
    public static PoolView spanning(String pool, List<PoolView> members) {
        PoolView first = members.get(0);
        return new PoolView(pool, first.scope(), first.labels(),
                String.join(",", members.stream().map(PoolView::scaleSet).toList()),
                sum(members, PoolView::min), sum(members, PoolView::max), sum(members, PoolView::desired),
                sum(members, PoolView::live), sum(members, PoolView::busy), sum(members, PoolView::queued),
                members.stream().flatMap(m -> m.instances().stream()).toList(),
                members.stream().flatMap(m -> m.operations().stream()).toList(),
                members.stream().map(PoolView::lastFailure).filter(java.util.Objects::nonNull)
                        .max(java.util.Comparator.comparing(FailureView::at)).orElse(null),
                null, sum(members, PoolView::evictionsLastHour),
                members.stream().flatMap(m -> m.lostJobs().stream())
                        .sorted(java.util.Comparator.comparing(LostJobView::at).reversed()).toList(),
                List.copyOf(members));
    }

    private static int sum(List<PoolView> views, java.util.function.ToIntFunction<PoolView> field) {
        return views.stream().mapToInt(field).sum();
    }

    private static InstanceView instance(Instance i) {
        return new InstanceView(i.instanceId(), i.name(), i.phase().name(), i.since(), i.jobId() == 0 ? null : i.jobId(), i.vmId());
    }

    private static OperationView operation(Operation o) {
        return new OperationView(o.id(), o.kind().name(), o.instanceIds(),
                o.kind() == Operation.Kind.SET_CAPACITY ? o.capacity() : null, o.since());
    }
}
