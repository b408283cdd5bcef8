package io.vmssrunnerscaler.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A discrete-event clock: tasks run in time order on the caller's thread, and time jumps from one
 * task to the next. Hours of traffic take seconds. Single-threaded by design.
 */
public final class VirtualTimeSource implements TimeSource {
    private record Task(Instant at, long seq, Runnable run) {}

    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>((a, b) -> a.at.equals(b.at) ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));
    private Instant now;
    private long seq;

    public VirtualTimeSource(Instant start) {
        this.now = start;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        tasks.add(new Task(now.plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task));
    }

    /** Runs every task due up to {@code end}, then sets the clock to {@code end}. */
    public void runUntil(Instant end) {
        while (!tasks.isEmpty() && !tasks.peek().at.isAfter(end)) {
            Task t = tasks.poll();
            now = t.at;
            t.run.run();
        }
        if (end.isAfter(now)) {
            now = end;
        }
    }

    public void runFor(Duration duration) {
        runUntil(now.plus(duration));
    }
}
