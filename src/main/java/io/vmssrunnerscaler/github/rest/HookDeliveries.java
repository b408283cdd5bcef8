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
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A webhook's deliveries under {@code /repos/{o}/{r}/hooks/{id}} or {@code /orgs/{org}/hooks/{id}}:
 * the listing, newest first and paged by an opaque {@code cursor} in the {@code Link} header, and
 * redelivery ({@code POST .../deliveries/{id}/attempts}, 202).
 */
final class HookDeliveries {
    /** At most this many pages per listing: 20 pages of 100 are hours of a busy organisation's jobs. */
    static final int MAX_PAGES = 20;
    private static final Logger LOG = Logger.getLogger(HookDeliveries.class);

    private final Supplier<GitHubApi> api;
    private final GitHubCaller caller;
    private final int perPage;

    HookDeliveries(Supplier<GitHubApi> api, GitHubCaller caller, int perPage) {
        this.api = api;
        this.caller = caller;
        this.perPage = perPage;
    }

    /** Deliveries at or after {@code since}, newest first; pages back until one is older, or no page is left. */
    Uni<List<HookDelivery>> since(WebhookRef hook, Instant since) {
        return page(hook, since, null, 1, new ArrayList<>());
    }

    Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
        RunnerScope s = hook.scope();
        String call = "POST " + base(hook) + "/deliveries/" + deliveryId + "/attempts";
        return caller.call(call, auth -> s.isOrganisation()
                        ? api.get().orgRedeliver(auth, s.owner(), hook.hookId(), deliveryId)
                        : api.get().repoRedeliver(auth, s.owner(), s.repository(), hook.hookId(), deliveryId))
                .invoke(Response::close)
                .replaceWithVoid();
    }

    private Uni<List<HookDelivery>> page(WebhookRef hook, Instant since, String cursor, int n, List<HookDelivery> collected) {
        String call = "GET " + base(hook) + "/deliveries (page " + n + ")";
        return caller.call(call, listing(hook, cursor)).chain(response -> {
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
                        base(hook), n, collected.size(), since);
                return Uni.createFrom().item(List.copyOf(collected));
            }
            return page(hook, since, next.get(), n + 1, collected);
        });
    }

    private Function<String, Uni<Response>> listing(WebhookRef hook, String cursor) {
        RunnerScope s = hook.scope();
        return auth -> s.isOrganisation()
                ? api.get().orgHookDeliveries(auth, s.owner(), hook.hookId(), perPage, cursor)
                : api.get().repoHookDeliveries(auth, s.owner(), s.repository(), hook.hookId(), perPage, cursor);
    }

    private static String base(WebhookRef hook) {
        RunnerScope s = hook.scope();
        return (s.isOrganisation() ? "/orgs/" + s.owner() : "/repos/" + s.owner() + "/" + s.repository())
                + "/hooks/" + hook.hookId();
    }
}
