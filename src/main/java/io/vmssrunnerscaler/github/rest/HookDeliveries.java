package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A webhook's deliveries under {@code /repos/{o}/{r}/hooks/{id}}, {@code /orgs/{org}/hooks/{id}} or,
 * for the GitHub App's own webhook, {@code /app/hook} (with the App's JWT): the listing, newest
 * first and paged by an opaque {@code cursor} in the {@code Link} header, and redelivery
 * ({@code POST .../deliveries/{id}/attempts}, 202).
 */
final class HookDeliveries {
    /** At most this many pages per listing: 20 pages of 100 are hours of a busy organisation's jobs. */
    static final int MAX_PAGES = 20;
    private static final Logger LOG = Logger.getLogger(HookDeliveries.class);

    private final Supplier<GitHubApi> api;
    private final GitHubCaller caller;
    private final Optional<GitHubCaller> appCaller;
    private final int perPage;

    /** @param appCaller authenticated with the App's JWT; empty when the scaler uses a token */
    HookDeliveries(Supplier<GitHubApi> api, GitHubCaller caller, Optional<GitHubCaller> appCaller, int perPage) {
        this.api = api;
        this.caller = caller;
        this.appCaller = appCaller;
        this.perPage = perPage;
    }

    /**
     * Where one webhook's deliveries are and who may call there: its path (for call names), the
     * caller (the App's webhook answers only the App's JWT; an installation token gets 401), and its
     * two requests, given the caller's {@code Authorization} value.
     */
    private record Endpoint(String base, GitHubCaller caller, BiFunction<String, String, Uni<Response>> list,
            BiFunction<String, Long, Uni<Response>> redeliver) {
    }

    /** Deliveries at or after {@code since}, newest first; pages back until one is older, or no page is left. */
    Uni<List<HookDelivery>> since(WebhookRef hook, Instant since) {
        return Uni.createFrom().deferred(() -> page(endpoint(hook), since, null, 1, new ArrayList<>()));
    }

    Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
        return Uni.createFrom().deferred(() -> {
            Endpoint e = endpoint(hook);
            return e.caller().call("POST " + e.base() + "/deliveries/" + deliveryId + "/attempts",
                    auth -> e.redeliver().apply(auth, deliveryId));
        }).invoke(Response::close).replaceWithVoid();
    }

    private Uni<List<HookDelivery>> page(Endpoint e, Instant since, String cursor, int n, List<HookDelivery> collected) {
        String call = "GET " + e.base() + "/deliveries (page " + n + ")";
        return e.caller().call(call, auth -> e.list().apply(auth, cursor)).chain(response -> {
            String link = response.getHeaderString("Link");
            boolean reachedSince = false;
            JsonNode body = GitHubJson.body(response);
            if (!body.isArray()) {
                return Uni.createFrom().failure(new IllegalStateException(call + ": the answer is not a JSON array"));
            }
            for (JsonNode node : body) {
                HookDelivery delivery = GitHubJson.hookDelivery(node);
                if (delivery.deliveredAt().isBefore(since)) {
                    reachedSince = true;
                } else {
                    collected.add(delivery);
                }
            }
            Optional<String> next = Pager.nextCursor(link);
            if (reachedSince || next.isEmpty()) {
                return Uni.createFrom().item(List.copyOf(collected));
            }
            if (Objects.equals(next.get(), cursor)) {
                return Uni.createFrom().failure(new IllegalStateException(call + ": paging does not advance"));
            }
            if (n >= MAX_PAGES) {
                LOG.warnf("%s: stopped after %d pages (%d deliveries) before reaching %s; older deliveries are not looked at",
                        e.base(), n, collected.size(), since);
                return Uni.createFrom().item(List.copyOf(collected));
            }
            return page(e, since, next.get(), n + 1, collected);
        });
    }

    /** The one place that tells the kinds of webhook apart. */
    private Endpoint endpoint(WebhookRef hook) {
        if (hook instanceof WebhookRef.AppHook) {
            GitHubCaller jwt = appCaller.orElseThrow(() -> new IllegalStateException(
                    "the GitHub App's webhook needs GitHub App authentication (scaler.github.app-id), not a token"));
            return new Endpoint("/app/hook", jwt, (auth, cursor) -> api.get().appHookDeliveries(auth, perPage, cursor),
                    (auth, id) -> api.get().appRedeliver(auth, id));
        }
        if (!(hook instanceof WebhookRef.ScopeHook h)) {
            throw new IllegalArgumentException("unknown kind of webhook: " + hook);
        }
        RunnerScope s = h.scope();
        long hookId = h.hookId();
        if (s.isOrganisation()) {
            return new Endpoint("/orgs/" + s.owner() + "/hooks/" + hookId, caller,
                    (auth, cursor) -> api.get().orgHookDeliveries(auth, s.owner(), hookId, perPage, cursor),
                    (auth, id) -> api.get().orgRedeliver(auth, s.owner(), hookId, id));
        }
        return new Endpoint("/repos/" + s.owner() + "/" + s.repository() + "/hooks/" + hookId, caller,
                (auth, cursor) -> api.get().repoHookDeliveries(auth, s.owner(), s.repository(), hookId, perPage, cursor),
                (auth, id) -> api.get().repoRedeliver(auth, s.owner(), s.repository(), hookId, id));
    }
}
