package io.vmssrunnerscaler.fakes.github;

import io.vmssrunnerscaler.fakes.github.FakeGitHub.Delivery;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhooks of the fake GitHub, by scope key and hook id: their deliveries (those a test records,
 * and the redeliveries the fake "made" when asked), listed newest first in GitHub's shape, and the
 * redelivery requests it accepted.
 */
final class FakeHooks {
    /**
     * An attempt in GitHub's JSON shape (the listing's "hook-delivery-item"); {@code installationId}
     * is set on an App's deliveries, which each come from an installation.
     */
    static Map<String, Object> json(Delivery d, boolean repository, Long installationId) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", d.id());
        json.put("guid", d.guid());
        json.put("delivered_at", d.deliveredAt().truncatedTo(ChronoUnit.SECONDS).toString());
        json.put("redelivery", d.redelivery());
        json.put("duration", 0.27);
        json.put("status", d.statusCode() >= 200 && d.statusCode() < 300 ? "OK"
                : d.statusCode() == 0 ? "timed out" : "Invalid HTTP Response: " + d.statusCode());
        json.put("status_code", d.statusCode());
        json.put("event", d.event());
        json.put("action", d.action());
        json.put("installation_id", installationId);
        json.put("repository_id", repository ? 1296269 : null);
        json.put("throttled_at", null);
        return json;
    }

    private final Map<String, List<Delivery>> deliveries = new HashMap<>();
    private final Map<String, List<Long>> requests = new HashMap<>();
    private long nextId = 12_000_000_000L;
    private int redeliveryStatus = 200;

    static String hookKey(String scopeKey, long hookId) {
        return scopeKey + "#" + hookId;
    }

    /** A GitHub App has one webhook. */
    static String appHookKey(String appId) {
        return "app/" + appId + "#hook";
    }

    synchronized void hook(String hookKey) {
        deliveries.computeIfAbsent(hookKey, k -> new ArrayList<>());
    }

    synchronized long add(String hookKey, String guid, Instant at, boolean redelivery, int status, String event, String action) {
        long id = nextId++;
        deliveries.computeIfAbsent(hookKey, k -> new ArrayList<>())
                .add(new Delivery(id, guid, at, redelivery, status, event, action));
        return id;
    }

    /** What the receiver answers to the redeliveries the fake makes from now on (0: no answer). */
    synchronized void redeliveryStatus(int status) {
        redeliveryStatus = status;
    }

    synchronized List<Long> requests(String hookKey) {
        return List.copyOf(requests.getOrDefault(hookKey, List.of()));
    }

    synchronized List<Delivery> all(String hookKey) {
        return List.copyOf(deliveries.getOrDefault(hookKey, List.of()));
    }

    /** Every attempt of the hook, newest first; empty for an unknown hook. */
    synchronized Optional<List<Delivery>> listing(String hookKey) {
        List<Delivery> all = deliveries.get(hookKey);
        if (all == null) {
            return Optional.empty();
        }
        List<Delivery> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(Delivery::id).reversed());
        return Optional.of(sorted);
    }

    /** {@code POST .../deliveries/{id}/attempts}: 202 and a new attempt of the same event, or 404. */
    synchronized FakeReply redeliver(String hookKey, long deliveryId, Instant now) {
        Optional<Delivery> original = deliveries.getOrDefault(hookKey, List.of()).stream()
                .filter(d -> d.id() == deliveryId).findFirst();
        if (original.isEmpty()) {
            return FakeReply.error(404, "Not Found");
        }
        requests.computeIfAbsent(hookKey, k -> new ArrayList<>()).add(deliveryId);
        Delivery d = original.get();
        add(hookKey, d.guid(), now, true, redeliveryStatus, d.event(), d.action());
        return FakeReply.json(202, Map.of());
    }
}
