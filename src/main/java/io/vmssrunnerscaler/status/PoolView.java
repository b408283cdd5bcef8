package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.engine.IdleTarget;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.Sizing;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.shell.Convergence;
import io.vmssrunnerscaler.shell.LostJobs;
import io.vmssrunnerscaler.shell.WaitingJob;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code GET /pools} shows of one pool. A pool over several scale sets shows the sums and the
 * instances of all of them, and each scale set's own view in {@code scaleSets} (null for a pool of one).
 * {@code lostJobs}: jobs lost with their runners, newest first, and what became of each; a scale
 * set evicted often shows a {@code growthRefusal} with code {@code EvictedOften}. {@code min},
 * {@code minIdle}, {@code max} and {@code freePercent} are those in force: the schedule period's
 * named in {@code period} (null outside every period), or the pool's own, under an operator's
 * {@code overrides} (null when none). {@code paused}: an operator paused it (for a pool over several
 * scale sets: all of them). {@code waitingJobs}: oldest first, with the stage each is in and what
 * holds it up. {@code convergence}: why {@code live} differs from {@code desired} (null when equal).
 */
public record PoolView(
        String name,
        String scope,
        Set<String> labels,
        String scaleSet,
        int min,
        int minIdle,
        int max,
        int freePercent,
        String period,
        IdleTargetView idleTarget,
        int desired,
        int live,
        int busy,
        int queued,
        Convergence convergence,
        List<InstanceView> instances,
        List<OperationView> operations,
        FailureView lastFailure,
        GrowthRefusalView growthRefusal,
        int evictionsLastHour,
        List<LostJobView> lostJobs,
        List<PoolView> scaleSets,
        boolean paused,
        OverridesView overrides,
        List<WaitingJob> waitingJobs) {

    /** The sizing an operator set at runtime (each null when not overridden); shown beside the sizing in force. */
    public record OverridesView(Integer min, Integer max, Integer minIdle) {}

    /** @param vmId Azure's id of the VM, what its attested document names; null until a listing shows it */
    public record InstanceView(String instanceId, String name, String phase, Instant since, Long jobId, String vmId) {}

    public record OperationView(long id, String kind, List<String> instanceIds, Integer capacity, Instant since) {}

    /**
     * The idle runners kept ready: the larger of {@code minIdle} and the adaptive target, at most max.
     *
     * @param adaptive null unless the pool follows its arrivals
     */
    public record IdleTargetView(int value, int minIdle, AdaptiveView adaptive) {

        static IdleTargetView of(IdleTarget t) {
            return new IdleTargetView(t.value(), t.minIdle(), t.adaptive().map(a -> new AdaptiveView(a.target(),
                    a.arrivals(), a.rule().window().toString(), Math.round(a.expectedWithinBoot() * 1000) / 1000.0,
                    a.rule().bootTime().toString(), a.rule().quantile())).orElse(null));
        }
    }

    /**
     * @param target the smallest number of idle runners that covers, with probability {@code quantile},
     *     the Poisson arrivals expected within one boot time
     * @param arrivals jobs queued within {@code window}
     */
    public record AdaptiveView(int target, int arrivals, String window, double expectedWithinBoot, String bootTime,
            double quantile) {}

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

    public static PoolView of(Pool pool, PoolState s, List<LostJobs.LostJob> lost, List<WaitingJob> waiting,
            Convergence convergence, Instant now) {
        Sizing sizing = s.sizing();
        int lastHour = (int) s.evictions().stream().filter(at -> at.isAfter(now.minus(java.time.Duration.ofHours(1)))).count();
        return new PoolView(pool.name(), pool.scope().toString(), new TreeSet<>(pool.labels()), pool.scaleSet().name(),
                sizing.min(), sizing.minIdle(), sizing.max(), sizing.freePercent(),
                sizing.period().isEmpty() ? null : sizing.period(), IdleTargetView.of(s.idleTarget()), s.desired(), s.live(), s.busy(), s.queued().size(), convergence,
                s.instances().values().stream().map(PoolView::instance).toList(),
                s.operations().stream().map(PoolView::operation).toList(),
                s.lastFailure().map(f -> new FailureView(f.kind().name(), f.reason(), f.at())).orElse(null),
                s.growthRefusal().or(() -> s.evictionHoldAt(now))
                        .map(r -> new GrowthRefusalView(r.code(), r.reason(), r.inARow(), r.at(), r.until()))
                        .orElse(null), lastHour, lost.stream().map(LostJobView::of).toList(), null, s.paused(),
                s.control().overrides() ? new OverridesView(s.control().min(), s.control().max(), s.control().minIdle())
                        : null, List.copyOf(waiting));
    }

    /** A pool over several scale sets, from each scale set's view in the pool's order. */
    public static PoolView spanning(String pool, List<PoolView> members) {
        PoolView first = members.get(0);
        return new PoolView(pool, first.scope(), first.labels(),
                String.join(",", members.stream().map(PoolView::scaleSet).toList()),
                sum(members, PoolView::min), sum(members, PoolView::minIdle), sum(members, PoolView::max),
                first.freePercent(), first.period(), first.idleTarget(), sum(members, PoolView::desired),
                sum(members, PoolView::live), sum(members, PoolView::busy), sum(members, PoolView::queued),
                convergence(members), members.stream().flatMap(m -> m.instances().stream()).toList(),
                members.stream().flatMap(m -> m.operations().stream()).toList(),
                members.stream().map(PoolView::lastFailure).filter(java.util.Objects::nonNull)
                        .max(java.util.Comparator.comparing(FailureView::at)).orElse(null),
                null, sum(members, PoolView::evictionsLastHour),
                members.stream().flatMap(m -> m.lostJobs().stream())
                        .sorted(java.util.Comparator.comparing(LostJobView::at).reversed()).toList(),
                List.copyOf(members), members.stream().allMatch(PoolView::paused), null,
                members.stream().flatMap(m -> m.waitingJobs().stream())
                        .sorted(java.util.Comparator.comparing(WaitingJob::since)).toList());
    }

    /** The scale sets' reasons, each named, when the pool's sums differ; the earliest end of a hold. */
    private static Convergence convergence(List<PoolView> members) {
        int gap = sum(members, PoolView::live) - sum(members, PoolView::desired);
        List<PoolView> apart = members.stream().filter(m -> m.convergence() != null).toList();
        if (gap == 0 || apart.isEmpty()) {
            return null;
        }
        return new Convergence(gap, String.join("; ", apart.stream()
                .map(m -> m.scaleSet() + ": " + m.convergence().reason()).toList()),
                apart.stream().map(m -> m.convergence().until()).filter(java.util.Objects::nonNull)
                        .min(java.util.Comparator.naturalOrder()).orElse(null));
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
