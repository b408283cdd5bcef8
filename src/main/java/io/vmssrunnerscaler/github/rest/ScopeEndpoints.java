package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.RunnerScope;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The runner endpoints of one scope: the same calls under {@code /repos/{o}/{r}} or
 * {@code /orgs/{org}}. Each method returns the request, waiting for its {@code Authorization}.
 */
final class ScopeEndpoints {
    private final Supplier<GitHubApi> api;
    private final RunnerScope scope;

    ScopeEndpoints(Supplier<GitHubApi> api, RunnerScope scope) {
        this.api = api;
        this.scope = scope;
    }

    /** {@code METHOD /path} of a runner endpoint, for messages and logs. */
    String name(String method, String tail) {
        String base = scope.isOrganisation() ? "/orgs/" + scope.owner() : "/repos/" + scope.owner() + "/" + scope.repository();
        return method + " " + base + "/actions/runners" + tail;
    }

    Function<String, Uni<Response>> jitConfig(JitConfigRequest body) {
        return auth -> scope.isOrganisation()
                ? api.get().orgJitConfig(auth, scope.owner(), body)
                : api.get().repoJitConfig(auth, scope.owner(), scope.repository(), body);
    }

    Function<String, Uni<Response>> registrationToken() {
        return auth -> scope.isOrganisation()
                ? api.get().orgRegistrationToken(auth, scope.owner())
                : api.get().repoRegistrationToken(auth, scope.owner(), scope.repository());
    }

    /** One page of the listing, filtered by exact {@code name} unless it is null. */
    Function<String, Uni<Response>> runners(String name, int perPage, int page) {
        return auth -> scope.isOrganisation()
                ? api.get().orgRunners(auth, scope.owner(), name, perPage, page)
                : api.get().repoRunners(auth, scope.owner(), scope.repository(), name, perPage, page);
    }

    Function<String, Uni<Response>> delete(long runnerId) {
        return auth -> scope.isOrganisation()
                ? api.get().orgDeleteRunner(auth, scope.owner(), runnerId)
                : api.get().repoDeleteRunner(auth, scope.owner(), scope.repository(), runnerId);
    }
}
