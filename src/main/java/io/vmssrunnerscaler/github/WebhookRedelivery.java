package io.vmssrunnerscaler.github;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Finds {@code workflow_job} deliveries of one webhook that the scaler did not take (GitHub got no
 * 2xx: the scaler was down, slow, overloaded or refused it) and asks GitHub to deliver them again,
 * since GitHub never does so by itself. Run {@link #redeliverFailed()} on a schedule; each pass lists
 * the deliveries since the previous one and redelivers, oldest first and within an hourly budget,
 * every event that has no successful attempt, at most {@link #MAX_REDELIVERIES_PER_EVENT} times.
 * The scaler drops a redelivery of something it already acted on by its delivery GUID.
 * <p>
 * Plain Java; one pass at a time (a pass started while another runs reports that and does nothing).
 */
public final class WebhookRedelivery {
    /** How far the first pass looks back. */
    public static final Duration DEFAULT_FIRST_LOOK_BACK = Duration.ofHours(1);
    /** GitHub keeps deliveries about three days: no pass looks further back. */
    public static final Duration MAX_LOOK_BACK = Duration.ofDays(3);
    /** An event is redelivered at most this often: one the scaler refuses for good must not use up the budget. */
    public static final int MAX_REDELIVERIES_PER_EVENT = 3;
    /**
     * Each pass lists again from this long before the previous one began: an attempt is listed only
     * once answered (GitHub waits up to 10 s), and GitHub's clock is not ours. Seen attempts are not
     * redelivered twice, so the overlap costs nothing but listing.
     */
    static final Duration OVERLAP = Duration.ofMinutes(2);
    static final String EVENT = "workflow_job";
    private static final Logger LOG = Logger.getLogger(WebhookRedelivery.class);

    /** An event this component redelivered: how often, which attempts it asked for, when last. */
    private record Redelivered(int count, Set<Long> attempts, Instant at) {}

    /** A failed event to redeliver: its newest attempt, and when it first failed (for oldest-first). */
    private record Candidate(HookDelivery newest, Instant firstAt) {}

    private final GitHubPort gitHub;
    private final WebhookRef hook;
    private final Clock clock;
    private final int hourlyBudget;
    private final Duration firstLookBack;
    private final AtomicBoolean running = new AtomicBoolean();
    // Touched by one pass at a time (see running).
    private final Deque<Instant> requestsInLastHour = new ArrayDeque<>();
    private final Map<String, Redelivered> redelivered = new HashMap<>();
    private Instant since;

    public WebhookRedelivery(GitHubPort gitHub, WebhookRef hook, Clock clock, int hourlyBudget) {
        this(gitHub, hook, clock, hourlyBudget, DEFAULT_FIRST_LOOK_BACK);
    }

    /**
     * @param hourlyBudget redelivery requests allowed in any hour (each is one GitHub API call)
     * @param firstLookBack how far the first pass looks back (at most {@link #MAX_LOOK_BACK})
     */
    public WebhookRedelivery(GitHubPort gitHub, WebhookRef hook, Clock clock, int hourlyBudget, Duration firstLookBack) {
        this.gitHub = Objects.requireNonNull(gitHub, "gitHub");
        this.hook = Objects.requireNonNull(hook, "hook");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (hourlyBudget < 0 || firstLookBack.isNegative() || firstLookBack.isZero()) {
            throw new IllegalArgumentException("need hourlyBudget >= 0 and a positive firstLookBack");
        }
        this.hourlyBudget = hourlyBudget;
        this.firstLookBack = firstLookBack.compareTo(MAX_LOOK_BACK) > 0 ? MAX_LOOK_BACK : firstLookBack;
    }

    public WebhookRef hook() {
        return hook;
    }

    /**
     * One pass: lists, picks, redelivers. Never fails: a GitHub error is reported in the result, and
     * what it left undone is tried again by the next pass.
     */
    public Uni<RedeliveryPass> redeliverFailed() {
        return Uni.createFrom().deferred(() -> {
            if (!running.compareAndSet(false, true)) {
                return Uni.createFrom().item(RedeliveryPass.failed("the previous pass is still running"));
            }
            return pass(clock.instant()).onTermination().invoke(() -> running.set(false));
        });
    }

    private Uni<RedeliveryPass> pass(Instant now) {
        Instant from = later(since != null ? since : now.minus(firstLookBack), now.minus(MAX_LOOK_BACK));
        return Uni.createFrom().deferred(() -> gitHub.listHookDeliveries(hook, from))
                .chain(listing -> act(listing, now))
                .onFailure().recoverWithItem(e -> {
                    // Only the listing can fail here (each redelivery request is recovered on its own).
                    LOG.warnf("%s: listing the deliveries failed (%s); trying again next pass", hook, e.toString());
                    return RedeliveryPass.failed("listing failed: " + e.getMessage());
                });
    }

    private Uni<RedeliveryPass> act(List<HookDelivery> listing, Instant now) {
        forgetOlderThan(now.minus(MAX_LOOK_BACK));
        Selection selection = select(listing);
        List<Candidate> candidates = selection.candidates();
        int allowed = Math.min(candidates.size(), budgetLeft(now));
        List<Candidate> due = candidates.subList(0, allowed);
        List<Candidate> skipped = candidates.subList(allowed, candidates.size());
        return send(due, now).map(refusals -> finish(listing.size(), selection, due, skipped, refusals, now));
    }

    /** The failed events of the listing, and those of them to redeliver now, oldest first. */
    private record Selection(int failed, int gaveUp, List<Candidate> candidates) {}

    private Selection select(List<HookDelivery> listing) {
        Map<String, List<HookDelivery>> byEvent = listing.stream().filter(d -> EVENT.equals(d.event()))
                .collect(Collectors.groupingBy(HookDelivery::guid));
        List<Candidate> candidates = new ArrayList<>();
        int failed = 0;
        int gaveUp = 0;
        for (List<HookDelivery> attempts : byEvent.values()) {
            if (attempts.stream().anyMatch(HookDelivery::succeeded)) {
                continue;
            }
            failed++;
            HookDelivery newest = attempts.stream().max(Comparator.comparingLong(HookDelivery::id)).orElseThrow();
            Redelivered before = redelivered.get(newest.guid());
            if (before != null && before.attempts().contains(newest.id())) {
                continue; // asked for already; its new attempt is not listed yet
            }
            if (before != null && before.count() >= MAX_REDELIVERIES_PER_EVENT) {
                gaveUp++;
                continue;
            }
            Instant first = attempts.stream().map(HookDelivery::deliveredAt).min(Comparator.naturalOrder()).orElseThrow();
            candidates.add(new Candidate(newest, first));
        }
        candidates.sort(Comparator.comparing(Candidate::firstAt).thenComparingLong(c -> c.newest().id()));
        return new Selection(failed, gaveUp, candidates);
    }

    /** A redelivery request that failed, and why. */
    private record Refusal(Candidate candidate, String reason) {}

    /** Sends the requests one after another (gentle on GitHub's secondary limits); answers those that failed. */
    private Uni<List<Refusal>> send(List<Candidate> due, Instant now) {
        return Multi.createFrom().iterable(List.copyOf(due))
                .onItem().transformToUniAndConcatenate(c -> {
                    requestsInLastHour.addLast(now);
                    return Uni.createFrom().deferred(() -> gitHub.redeliver(hook, c.newest().id()))
                            .map(ok -> {
                                remember(c.newest(), now);
                                return Optional.<Refusal>empty();
                            })
                            .onFailure().recoverWithItem(e -> {
                                LOG.warnf("%s: redelivery of delivery %d (%s %s) failed: %s", hook, c.newest().id(),
                                        c.newest().event(), c.newest().action(), e.toString());
                                return Optional.of(new Refusal(c, String.valueOf(e.getMessage())));
                            });
                })
                .filter(Optional::isPresent).map(Optional::get)
                .collect().asList();
    }

    private RedeliveryPass finish(int listed, Selection selection, List<Candidate> due, List<Candidate> skipped,
            List<Refusal> refusals, Instant now) {
        // The next pass lists from before anything left undone, so that it is seen again.
        Instant next = now.minus(OVERLAP);
        for (Candidate c : skipped) {
            next = earlier(next, c.newest().deliveredAt());
        }
        for (Refusal r : refusals) {
            next = earlier(next, r.candidate().newest().deliveredAt());
        }
        since = next;
        int done = due.size() - refusals.size();
        String error = refusals.isEmpty() ? null
                : refusals.size() + " redelivery request(s) failed, first: " + refusals.get(0).reason();
        if (done > 0 || !skipped.isEmpty() || !refusals.isEmpty()) {
            LOG.infof("%s: %d failed workflow_job deliveries listed: %d redelivered, %d left for a later hour's budget, "
                    + "%d requests failed, %d given up", hook, selection.failed(), done, skipped.size(), refusals.size(),
                    selection.gaveUp());
        } else {
            LOG.debugf("%s: %d deliveries listed, nothing to redeliver", hook, listed);
        }
        return new RedeliveryPass(listed, selection.failed(), done, skipped.size(), refusals.size(), selection.gaveUp(),
                error);
    }

    private void remember(HookDelivery attempt, Instant now) {
        redelivered.merge(attempt.guid(), new Redelivered(1, Set.of(attempt.id()), now), (old, one) -> {
            Set<Long> ids = new HashSet<>(old.attempts());
            ids.add(attempt.id());
            return new Redelivered(old.count() + 1, Set.copyOf(ids), now);
        });
    }

    private int budgetLeft(Instant now) {
        Instant hourAgo = now.minus(Duration.ofHours(1));
        while (!requestsInLastHour.isEmpty() && !requestsInLastHour.peekFirst().isAfter(hourAgo)) {
            requestsInLastHour.pollFirst();
        }
        return Math.max(0, hourlyBudget - requestsInLastHour.size());
    }

    /** Events older than anything a listing can show again are forgotten: bounded by the budget over three days. */
    private void forgetOlderThan(Instant horizon) {
        redelivered.values().removeIf(r -> r.at().isBefore(horizon));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
