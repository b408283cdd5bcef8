package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RerunRefusedException;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerBusyException;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * {@link GitHubPort} on GitHub's REST API, for one credential (a token or one App installation)
 * and any number of repository and organisation scopes. Non-blocking; close it to release its
 * connections. See {@link GitHubCaller} for deadlines, retries and rate limits.
 */
public final class RestGitHub implements GitHubPort, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RestGitHub.class);
    /** GitHub's answer to deleting a runner that runs a job. */
    private static final int RUNNER_BUSY = 422;
    /** GitHub's answer to a JIT configuration for a name that is registered already. */
    private static final int NAME_TAKEN = 409;

    private final LazyGitHubApi api;
    private final GitHubCaller caller;
    private final GitHubSettings settings;
    private final Clock clock;
    private final RunnerGroups groups;
    private final HookDeliveries deliveries;
    private final Map<RunnerScope, TokenCache<RegistrationToken>> registrationTokens = new ConcurrentHashMap<>();

    /** @param appCaller authenticated with the App's JWT, for the App's own endpoints; empty with a token */
    RestGitHub(LazyGitHubApi api, GitHubCredentials credentials, Optional<GitHubCaller> appCaller, GitHubSettings settings,
            Clock clock) {
        this.api = api;
        this.settings = settings;
        this.clock = clock;
        this.caller = new GitHubCaller(credentials, new RateLimitGate(clock), settings, clock);
        this.groups = new RunnerGroups(api, caller, settings.perPage());
        this.deliveries = new HookDeliveries(api, caller, appCaller, settings.perPage());
    }

    /** A client of {@code settings.baseUri()} authenticating with {@code auth}. Makes no call yet. */
    public static RestGitHub create(GitHubSettings settings, GitHubAuth auth) {
        return create(settings, auth, Clock.systemUTC());
    }

    /** A client authenticating with custom credentials (a token source of its own). */
    public static RestGitHub create(GitHubSettings settings, GitHubCredentials credentials) {
        return new RestGitHub(new LazyGitHubApi(settings), credentials, Optional.empty(), settings, Clock.systemUTC());
    }

    static RestGitHub create(GitHubSettings settings, GitHubAuth auth, Clock clock) {
        LazyGitHubApi api = new LazyGitHubApi(settings);
        if (auth instanceof GitHubAuth.App app) {
            // The App's own calls have a rate limit of their own, hence a gate of their own.
            GitHubCaller appCaller = new GitHubCaller(new GitHubAppJwt(app.appId(), app.privateKeyPem(), app.forget(), clock),
                    new RateLimitGate(clock), settings, clock);
            GitHubCredentials installation = new GitHubAppInstallation(app.installationId(), api, appCaller,
                    settings.tokenRefreshMargin(), clock);
            return new RestGitHub(api, installation, Optional.of(appCaller), settings, clock);
        }
        GitHubAuth.PersonalAccessToken pat = (GitHubAuth.PersonalAccessToken) auth;
        return new RestGitHub(api, GitHubCredentials.personalAccessToken(pat.token(), pat.forget()), Optional.empty(),
                settings, clock);
    }

    @Override
    public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String runnerGroup) {
        return groups.id(scope, runnerGroup)
                .chain(groupId -> generate(scope, new JitConfigRequest(runnerName, groupId, List.copyOf(labels),
                        settings.workFolder())))
                .onFailure(GitHubException.NotFound.class).invoke(e -> groups.forget(scope, runnerGroup));
    }

    /**
     * A 409 means a runner of that name is registered already: typically the previous life of a
     * re-imaged VM whose runner never started, or a first attempt GitHub carried out although it
     * answered 5xx. Such an idle leftover is removed and the configuration requested once more.
     */
    private Uni<RunnerConfig> generate(RunnerScope scope, JitConfigRequest request) {
        return jitConfig(scope, request).onFailure(e -> isStatus(e, NAME_TAKEN)).recoverWithUni(conflict ->
                findRunner(scope, request.name()).chain(existing -> {
                    if (existing.isEmpty() || existing.get().busy()) {
                        return Uni.createFrom().failure(conflict);
                    }
                    LOG.infof("runner %s is registered already at %s and idle: replacing it", request.name(), scope);
                    return delete(scope, existing.get()).chain(() -> jitConfig(scope, request));
                }));
    }

    private Uni<RunnerConfig> jitConfig(RunnerScope scope, JitConfigRequest request) {
        ScopeEndpoints endpoints = new ScopeEndpoints(api, scope);
        return caller.call(endpoints.name("POST", "/generate-jitconfig"), endpoints.jitConfig(request))
                .map(response -> GitHubJson.jitConfig(GitHubJson.body(response)));
    }

    /** Kept per scope until {@code tokenRefreshMargin} before it expires: VMs may share one token. */
    @Override
    public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
        return registrationTokens.computeIfAbsent(scope, s -> {
            ScopeEndpoints endpoints = new ScopeEndpoints(api, s);
            return new TokenCache<>(
                    () -> caller.call(endpoints.name("POST", "/registration-token"), endpoints.registrationToken())
                            .map(response -> GitHubJson.registrationToken(GitHubJson.body(response))),
                    token -> clock.instant().plus(settings.tokenRefreshMargin()).isBefore(token.expiresAt()));
        }).get();
    }

    /**
     * Finds the runner by name (one filtered listing), then deletes it. A runner listed busy is
     * refused without a DELETE; one that took a job since is refused by GitHub with 422.
     */
    @Override
    public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
        return findRunner(scope, runnerName).chain(runner -> {
            if (runner.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            if (runner.get().busy()) {
                return Uni.createFrom().failure(new RunnerBusyException(runnerName));
            }
            return delete(scope, runner.get());
        });
    }

    private Uni<Void> delete(RunnerScope scope, RunnerInfo runner) {
        ScopeEndpoints endpoints = new ScopeEndpoints(api, scope);
        return caller.call(endpoints.name("DELETE", "/" + runner.id()), endpoints.delete(runner.id()))
                .replaceWithVoid()
                .onFailure(GitHubException.NotFound.class).recoverWithNull()
                .onFailure(e -> isStatus(e, RUNNER_BUSY)).transform(e -> {
                    LOG.debugf("%s", e.getMessage());
                    return new RunnerBusyException(runner.name());
                });
    }

    @Override
    public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
        return runners(scope, null);
    }

    private Uni<Optional<RunnerInfo>> findRunner(RunnerScope scope, String runnerName) {
        // The name filter is exact at GitHub; compared again here in case a server ignores it.
        return runners(scope, runnerName)
                .map(list -> list.stream().filter(r -> r.name().equalsIgnoreCase(runnerName)).findFirst());
    }

    private Uni<List<RunnerInfo>> runners(RunnerScope scope, String name) {
        ScopeEndpoints endpoints = new ScopeEndpoints(api, scope);
        return Pager.all(caller, endpoints.name("GET", ""), page -> endpoints.runners(name, settings.perPage(), page), "runners")
                .map(nodes -> nodes.stream().map(GitHubJson::runner).toList());
    }

    @Override
    public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
        return lookUp(repositoryFullName, "a job", "/actions/jobs/" + jobId,
                (auth, r) -> api.get().job(auth, r.owner(), r.repository(), jobId), GitHubJson::job);
    }

    @Override
    public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
        return lookUp(repositoryFullName, "a run", "/actions/runs/" + runId,
                (auth, r) -> api.get().run(auth, r.owner(), r.repository(), runId), GitHubJson::run);
    }

    /** A GET of something in a repository ({@code path} below it); empty when GitHub answers 404. */
    private <T> Uni<Optional<T>> lookUp(String repositoryFullName, String what, String path,
            BiFunction<String, RunnerScope, Uni<Response>> get, Function<JsonNode, T> parse) {
        return Uni.createFrom().deferred(() -> {
            RunnerScope repository = repository(repositoryFullName, what);
            return caller.call("GET /repos/" + repository + path, auth -> get.apply(auth, repository))
                    .map(response -> Optional.of(parse.apply(GitHubJson.body(response))))
                    .onFailure(GitHubException.NotFound.class).recoverWithItem(Optional.empty());
        });
    }

    /**
     * Sent at most once per call, whatever the answer (see {@link GitHubCaller#callOnce}): a 5xx or
     * a missed deadline fails with {@link GitHubException.Transient}, and whether GitHub started a
     * new attempt all the same shows in {@link #getRun}'s {@code runAttempt}. Asking again blindly
     * would mostly earn a refusal (GitHub refuses a re-run while the new attempt runs), but once
     * that attempt is done it would start another one.
     */
    @Override
    public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
        return Uni.createFrom().deferred(() -> {
            RunnerScope repository = repository(repositoryFullName, "a job");
            return rerun("POST /repos/" + repository + "/actions/jobs/" + jobId + "/rerun",
                    auth -> api.get().rerunJob(auth, repository.owner(), repository.repository(), jobId));
        });
    }

    /** Sent at most once per call, as {@link #rerunJob}. */
    @Override
    public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
        return Uni.createFrom().deferred(() -> {
            RunnerScope repository = repository(repositoryFullName, "a run");
            return rerun("POST /repos/" + repository + "/actions/runs/" + runId + "/rerun-failed-jobs",
                    auth -> api.get().rerunFailedJobs(auth, repository.owner(), repository.repository(), runId));
        });
    }

    /**
     * GitHub answers a re-run it will not do with 403 and its reason ("This workflow is already
     * running" while the run is in progress); a 403 that is a rate limit stays
     * {@link GitHubException.RateLimited} (the caller's gate handles it), and one for a missing
     * permission stays {@link GitHubException.Unauthorized}.
     */
    private Uni<Void> rerun(String call, Function<String, Uni<Response>> send) {
        return caller.callOnce(call, send)
                .invoke(Response::close)
                .replaceWithVoid()
                .onFailure(RestGitHub::refusedRerun).transform(e -> {
                    GitHubException.Unauthorized refused = (GitHubException.Unauthorized) e;
                    String reason = refused.gitHubMessage() == null ? "HTTP 403" : refused.gitHubMessage();
                    return new RerunRefusedException(call + ": GitHub refused: " + reason
                            + (refused.requestId() == null ? "" : " [x-github-request-id " + refused.requestId() + "]"));
                });
    }

    private static boolean refusedRerun(Throwable e) {
        return e instanceof GitHubException.Unauthorized u && u.status() == 403
                && !ErrorTranslator.missingPermissionMessage(u.gitHubMessage());
    }

    /** Jobs and runs belong to repositories ({@code owner/name}), also for an organisation's runners. */
    private static RunnerScope repository(String repositoryFullName, String what) {
        RunnerScope repository = RunnerScope.parse(repositoryFullName);
        if (repository.isOrganisation()) {
            throw new IllegalArgumentException(what + " belongs to a repository (owner/name), got " + repositoryFullName);
        }
        return repository;
    }

    /**
     * A repository's or organisation's hook needs the "Webhooks" permission there (read to list,
     * write to redeliver; a classic token: {@code admin:repo_hook} or {@code admin:org_hook});
     * without it GitHub answers 404, which fails as {@link GitHubException.NotFound}. The App's own
     * hook is called with the App's JWT and needs no permission, but a client made with a token
     * has no JWT and fails with {@link IllegalStateException}.
     */
    @Override
    public Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
        return deliveries.since(hook, since);
    }

    @Override
    public Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
        return deliveries.redeliver(hook, deliveryId);
    }

    private static boolean isStatus(Throwable e, int status) {
        return e instanceof GitHubException.Conflict c && c.status() == status;
    }

    @Override
    public void close() {
        api.close();
    }

    @Override
    public String toString() {
        return "RestGitHub[" + settings.baseUri() + "]";
    }
}
