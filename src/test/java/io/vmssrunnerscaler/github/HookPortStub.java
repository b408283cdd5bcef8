package io.vmssrunnerscaler.github;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A webhook's deliveries in memory, behind the two delivery calls of {@link GitHubPort}: the
 * listing (filtered by {@code since}, newest first) and redelivery, which records the request and,
 * unless told otherwise, a new attempt of the event answered with {@link #redeliveryStatus}.
 */
final class HookPortStub implements GitHubPort {
    private final Clock clock;
    private final List<HookDelivery> deliveries = new ArrayList<>();
    final List<Long> requests = new ArrayList<>();
    final List<Instant> listedSince = new ArrayList<>();
    /** What the scaler answers to redeliveries; 0: no answer. */
    int redeliveryStatus = 202;
    /** Whether a redelivered attempt shows in the listing at once (else it is still in flight). */
    boolean redeliveryListed = true;
    int listingFailures;
    /** The listing throws instead of answering a failed {@code Uni} (a broken adapter). */
    boolean listingThrows;
    int redeliveryFailures;
    /** While set, listings wait for it. */
    CompletableFuture<Void> listingGate;
    private long nextId = 100;

    HookPortStub(Clock clock) {
        this.clock = clock;
    }

    synchronized HookDelivery add(String guid, Instant at, int status, String event, String action) {
        return add(guid, at, false, status, event, action);
    }

    synchronized HookDelivery add(String guid, Instant at, boolean redelivery, int status, String event, String action) {
        HookDelivery d = new HookDelivery(nextId++, guid, at, redelivery, status, event, action);
        deliveries.add(d);
        return d;
    }

    @Override
    public synchronized Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
        listedSince.add(since);
        if (listingThrows) {
            throw new IllegalStateException("boom");
        }
        if (listingFailures > 0) {
            listingFailures--;
            return Uni.createFrom().failure(new IllegalStateException("GET deliveries: HTTP 502"));
        }
        List<HookDelivery> listed = deliveries.stream().filter(d -> !d.deliveredAt().isBefore(since))
                .sorted(Comparator.comparingLong(HookDelivery::id).reversed()).toList();
        return listingGate == null ? Uni.createFrom().item(listed)
                : Uni.createFrom().completionStage(listingGate).replaceWith(listed);
    }

    @Override
    public synchronized Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
        if (redeliveryFailures > 0) {
            redeliveryFailures--;
            return Uni.createFrom().failure(new IllegalStateException("POST attempts: HTTP 502"));
        }
        HookDelivery original = deliveries.stream().filter(d -> d.id() == deliveryId).findFirst().orElseThrow();
        requests.add(deliveryId);
        if (redeliveryListed) {
            add(original.guid(), clock.instant(), true, redeliveryStatus, original.event(), original.action());
        }
        return Uni.createFrom().voidItem();
    }

    /** The guid of the delivery with this id. */
    synchronized String guidOf(long deliveryId) {
        return deliveries.stream().filter(d -> d.id() == deliveryId).findFirst().orElseThrow().guid();
    }

    @Override
    public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String runnerGroup) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
        throw new UnsupportedOperationException();
    }
}
