package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loops of one pool that spans several scale sets, in the pool's order of preference. Each
 * scale set keeps its own loop, engine state, budget and markers; this is where they act as one
 * pool: a job waits in exactly one of them, and new demand goes to the first scale set that is
 * serving (not draining), not refusing capacity (nor evicted often of late), and has room, then the next;
 * the others keep no free capacity meanwhile. Reads only the loops'
 * snapshots; every change is an event offered to a loop.
 */
public final class SpanningPool {
    /** Long enough for any loop to take an offered event; an entry this old is dropped unseen. */
    static final Duration ROUTED_UNSEEN_FOR = Duration.ofSeconds(30);
    private final List<PoolLoop> members;
    private final TimeSource time;
    /**
     * Jobs routed here whose loop's snapshot does not show them yet. Deliveries of a burst arrive
     * together, faster than a loop takes them: without these, every one would find the first
     * scale set's snapshot with room and wait there.
     */
    private final Map<Long, Routed> routed = new ConcurrentHashMap<>();

    private record Routed(PoolLoop loop, Instant at) {}

    public SpanningPool(List<PoolLoop> members, TimeSource time) {
        this.time = time;
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a pool needs a scale set");
        }
        this.members = List.copyOf(members);
    }

    public String name() {
        return members.get(0).pool().poolName();
    }

    public List<PoolLoop> members() {
        return members;
    }

    /** The pools of these loops, each with its scale sets in the order given. */
    public static List<SpanningPool> of(List<PoolLoop> loops, TimeSource time) {
        Map<String, List<PoolLoop>> byPool = new java.util.LinkedHashMap<>();
        loops.forEach(l -> byPool.computeIfAbsent(l.pool().poolName(), k -> new java.util.ArrayList<>()).add(l));
        return byPool.values().stream().map(m -> new SpanningPool(m, time)).toList();
    }

    /**
     * Where a queued job waits: where it already waits (or was just routed), else where a new job
     * goes ({@link #forNewJob}). One job at a time, so that each sees the ones routed before it.
     */
    public synchronized PoolLoop route(long jobId) {
        forgetSeen();
        Optional<PoolLoop> holding = holding(jobId).or(() -> Optional.ofNullable(routed.get(jobId)).map(Routed::loop));
        if (holding.isPresent()) {
            return holding.get();
        }
        PoolLoop chosen = forNewJob();
        routed.put(jobId, new Routed(chosen, time.now()));
        return chosen;
    }

    /**
     * Where a newly queued job waits: the first serving scale set that is not refusing capacity and
     * has room (its demand below its max); else the first serving one that is not refusing; else
     * the first serving one, whose back-off ends first or last alike.
     */
    private PoolLoop forNewJob() {
        return members.stream().filter(l -> serving(l) && !refusing(l) && hasRoom(l)).findFirst()
                .or(() -> members.stream().filter(l -> serving(l) && !refusing(l)).findFirst())
                .or(() -> members.stream().filter(SpanningPool::serving).findFirst())
                .orElse(members.get(0));
    }

    /** The scale set in which this job waits, if any. */
    public Optional<PoolLoop> holding(long jobId) {
        return members.stream().filter(l -> l.state().queued().containsKey(jobId)).findFirst();
    }

    /** GitHub started (or ended) the job on {@code on}: any other scale set stops counting it. */
    public void handedTo(PoolLoop on, long jobId) {
        members.stream().filter(l -> l != on && l.state().queued().containsKey(jobId))
                .forEach(l -> l.offer(new PoolEvent.JobHandedOff(jobId)));
    }

    /**
     * Moves the jobs waiting in a scale set that refuses capacity or drains to the one that would
     * take a new job now, so that the pool grows elsewhere instead of waiting out the back-off.
     */
    public synchronized void rebalance() {
        tellPreferences();
        PoolLoop target = forNewJob();
        if (refusing(target) || !serving(target)) {
            return; // nowhere better to go
        }
        for (PoolLoop from : members) {
            if (from == target || (serving(from) && !refusing(from))) {
                continue;
            }
            for (Map.Entry<Long, PoolState.QueuedJob> job : from.state().queued().entrySet()) {
                from.offer(new PoolEvent.JobHandedOff(job.getKey()));
                target.offer(new PoolEvent.JobQueued(job.getKey(), job.getValue().repository(), job.getValue().since()));
            }
        }
    }

    /**
     * Tells each scale set whether the ones the pool prefers could take all it runs now (they
     * serve, are not refusing capacity, and have at least that much room): then it keeps no free
     * capacity and deletes after jobs, and the pool's capacity flows back to them (the Spot scale
     * set once its cool-down has passed). A scale set the preferred ones could not absorb keeps
     * its capacity: under a load that fills them all, deleting there would only cost boots.
     */
    private void tellPreferences() {
        for (int i = 1; i < members.size(); i++) {
            long room = members.subList(0, i).stream().filter(l -> serving(l) && !refusing(l))
                    .mapToLong(this::room).sum();
            PoolLoop member = members.get(i);
            boolean elsewhere = room > 0 && room >= member.state().live();
            if (member.state().preferredElsewhere() != elsewhere) {
                member.offer(new PoolEvent.PreferenceChanged(elsewhere));
            }
        }
    }

    /** How many more jobs a scale set could take: its max in force less its busy, waiting and just-routed jobs. */
    private long room(PoolLoop l) {
        PoolState s = l.state();
        long unseen = routed.entrySet().stream()
                .filter(e -> e.getValue().loop() == l && !s.queued().containsKey(e.getKey())).count();
        return Math.max(0, s.sizing().max() - s.busy() - s.queued().size() - unseen);
    }

    private static boolean serving(PoolLoop l) {
        return !l.pool().draining();
    }

    /**
     * Backing off from a refusal of capacity, holding growth back after many evictions (Spot
     * capacity is scarce there), or paused by an operator; once the back-off is over it may be asked again.
     */
    private boolean refusing(PoolLoop l) {
        return l.state().refusesGrowthAt(time.now()) || l.state().paused();
    }

    /** Drops the routed jobs a loop's snapshot now shows waiting, and those routed long ago. */
    private void forgetSeen() {
        Instant stale = time.now().minus(ROUTED_UNSEEN_FOR);
        routed.entrySet().removeIf(e -> e.getValue().loop().state().queued().containsKey(e.getKey())
                || e.getValue().at().isBefore(stale));
    }

    private boolean hasRoom(PoolLoop l) {
        return room(l) > 0;
    }
}
