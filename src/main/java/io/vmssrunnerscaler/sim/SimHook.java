package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The simulated GitHub's webhook: sends {@code workflow_job} deliveries to the scaler and records
 * each attempt with the scaler's answer, as GitHub's delivery listing shows them; a redelivery sends
 * the same payload under the same GUID again. Bounded like GitHub's record (three days) and in
 * count. Touched only on the simulator's thread.
 */
final class SimHook {
    /** GitHub lists deliveries of about the last three days. */
    static final Duration RETENTION = Duration.ofDays(3);
    /** A bound on memory for long virtual runs. */
    static final int LIMIT = 10_000;
    /** What GitHub records when no answer came: a timeout or no connection. */
    static final int NO_ANSWER = 0;

    private record Attempt(HookDelivery delivery, WorkflowJob payload) {}

    private final SimWorld world;
    /** Answered attempts by id (ids grow with time, as GitHub's do). */
    private final NavigableMap<Long, Attempt> attempts = new TreeMap<>();
    private long nextId = 1;

    SimHook(SimWorld world) {
        this.world = world;
    }

    /** A new event: a fresh GUID (derived from a counter, so that it draws nothing from the world's random source). */
    void deliver(WorkflowJob job) {
        long id = nextId++;
        send(id, UUID.nameUUIDFromBytes(("sim-delivery-" + id).getBytes(StandardCharsets.UTF_8)).toString(), job, false);
    }

    /** Sends the attempt {@code deliveryId} again under its GUID; false when it is not (or no longer) recorded. */
    boolean redeliver(long deliveryId) {
        Attempt attempt = attempts.get(deliveryId);
        if (attempt == null) {
            return false;
        }
        send(nextId++, attempt.delivery().guid(), attempt.payload(), true);
        return true;
    }

    /** Answered attempts at or after {@code since}, newest first. */
    List<HookDelivery> since(Instant since) {
        prune();
        return attempts.descendingMap().values().stream().map(Attempt::delivery)
                .filter(d -> !d.deliveredAt().isBefore(since)).toList();
    }

    private void send(long id, String guid, WorkflowJob job, boolean redelivery) {
        Instant at = world.time().now();
        try {
            world.failIfInjected("deliver");
        } catch (SimulatedFailure e) {
            record(id, guid, at, redelivery, NO_ANSWER, job); // the scaler was not reached
            return;
        }
        world.endpoints().deliver(guid, job).subscribe().with(
                status -> world.time().schedule(Duration.ZERO, () -> record(id, guid, at, redelivery, status, job)),
                failure -> world.time().schedule(Duration.ZERO, () -> record(id, guid, at, redelivery, NO_ANSWER, job)));
    }

    private void record(long id, String guid, Instant at, boolean redelivery, int status, WorkflowJob job) {
        attempts.put(id, new Attempt(new HookDelivery(id, guid, at, redelivery, status, "workflow_job", job.action()), job));
        prune();
    }

    private void prune() {
        Instant horizon = world.time().now().minus(RETENTION);
        while (!attempts.isEmpty()
                && (attempts.size() > LIMIT || attempts.firstEntry().getValue().delivery().deliveredAt().isBefore(horizon))) {
            attempts.pollFirstEntry();
        }
    }
}
