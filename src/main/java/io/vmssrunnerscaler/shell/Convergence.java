package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a scale set's live instances differ from its desired count, so that {@code desired 0, live 1}
 * does not look like a stuck scaler: growing (capacity asked for, or what holds it back) or
 * shrinking (the idle cool-down, busy runners finishing their jobs, a back-off).
 *
 * @param gap live minus desired: negative while growing, positive while shrinking
 * @param until when the hold ends by itself (the cool-down's end, a back-off's, Azure's refusal's);
 *     null when nothing in the scaler's hands sets it
 */
public record Convergence(int gap, String reason, Instant until) {

    /** Empty when live equals desired. */
    public static Optional<Convergence> of(PoolLoop loop, Instant now) {
        PoolState s = loop.state();
        int gap = s.live() - s.desired();
        if (gap == 0) {
            return Optional.empty();
        }
        return Optional.of(gap < 0 ? growing(loop, s, gap, now) : shrinking(loop, s, gap, now));
    }

    private static Convergence growing(PoolLoop loop, PoolState s, int gap, Instant now) {
        Optional<WaitingJobs.Hold> hold = WaitingJobs.heldBy(loop, s, now);
        if (hold.isPresent()) {
            return new Convergence(gap, hold.get().reason(), hold.get().until());
        }
        Optional<Operation> asked = s.operations().stream().filter(o -> o.kind() == Operation.Kind.SET_CAPACITY)
                .findFirst();
        if (asked.isPresent()) {
            return new Convergence(gap, "capacity " + asked.get().capacity() + " asked for at " + asked.get().since()
                    + "; Azure is creating the instances", null);
        }
        if (s.operations().stream().anyMatch(o -> o.kind() == Operation.Kind.DELETE)) {
            return new Convergence(gap, "a delete is in flight: capacity is asked for once it is done, so that "
                    + "Azure does not pick which instance goes", null);
        }
        return new Convergence(gap, "capacity is asked for at the next tick", null);
    }

    private static Convergence shrinking(PoolLoop loop, PoolState s, int gap, Instant now) {
        Optional<WaitingJobs.Hold> backoff = WaitingJobs.backoff(s, now);
        if (backoff.isPresent()) {
            return new Convergence(gap, backoff.get().reason(), backoff.get().until());
        }
        // The longest idle goes first (the planner's order), so its cool-down ends first.
        Optional<Instant> longestIdle = s.instances().values().stream().filter(i -> i.phase() == Phase.IDLE)
                .map(Instance::since).min(Comparator.naturalOrder());
        if (longestIdle.isPresent()) {
            Duration cooldown = loop.pool().spec().idleCooldown();
            Instant eligible = longestIdle.get().plus(cooldown);
            if (now.isBefore(eligible)) {
                return new Convergence(gap, "idle cool-down: a surplus idle runner goes after idling "
                        + cooldown.toString().substring(2).toLowerCase(Locale.ROOT), eligible);
            }
            return new Convergence(gap, "removing surplus idle runners: each is removed at GitHub, then deleted", null);
        }
        long busy = s.instances().values().stream().filter(i -> i.phase().isBusy()).count();
        if (busy > 0) {
            return new Convergence(gap, busy + " busy runner(s) finish their jobs first: a busy runner is never removed",
                    null);
        }
        return new Convergence(gap, "surplus instances are still booting or re-imaging: they go once idle", null);
    }
}
