package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.RunnerScope;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runner group ids by name, as {@code generate-jitconfig} wants them. Looked up once per
 * organisation and name, then kept: groups are renamed or recreated rarely, and a stale id only
 * fails the JIT call (after which {@link #forget} drops it).
 */
final class RunnerGroups {
    /** The id of every organisation's and repository's group "Default". */
    static final long DEFAULT_GROUP_ID = 1;

    private final Supplier<GitHubApi> api;
    private final GitHubCaller caller;
    private final int perPage;
    private final Map<String, Long> ids = new ConcurrentHashMap<>();

    RunnerGroups(Supplier<GitHubApi> api, GitHubCaller caller, int perPage) {
        this.api = api;
        this.caller = caller;
        this.perPage = perPage;
    }

    /**
     * The id of {@code group} in the scope. A repository has only the default group; a blank
     * name means it too. Fails with {@link GitHubException.NotFound} for an unknown name.
     */
    Uni<Long> id(RunnerScope scope, String group) {
        if (!scope.isOrganisation() || group == null || group.isBlank() || group.equalsIgnoreCase("Default")) {
            return Uni.createFrom().item(DEFAULT_GROUP_ID);
        }
        String key = key(scope, group);
        Long known = ids.get(key);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        String call = "GET /orgs/" + scope.owner() + "/actions/runner-groups";
        return Pager.all(caller, call, page -> auth -> api.get().orgRunnerGroups(auth, scope.owner(), perPage, page), "runner_groups")
                .map(groups -> groups.stream()
                        .filter(g -> g.path("name").asText().equalsIgnoreCase(group.trim()))
                        .map(g -> g.path("id").asLong())
                        .findFirst()
                        .orElseThrow(() -> new GitHubException.NotFound(call + " (no group named " + group + ")", 404, null)))
                .invoke(id -> ids.put(key, id));
    }

    void forget(RunnerScope scope, String group) {
        if (group != null) {
            ids.remove(key(scope, group));
        }
    }

    private static String key(RunnerScope scope, String group) {
        return scope.owner().toLowerCase(Locale.ROOT) + "\n" + group.trim().toLowerCase(Locale.ROOT);
    }
}
