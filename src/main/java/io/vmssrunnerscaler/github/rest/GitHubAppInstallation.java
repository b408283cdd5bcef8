package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Authenticates as one installation of a GitHub App: an installation token, obtained with the
 * App's JWT from {@code POST /app/installations/{id}/access_tokens}, kept until shortly before it
 * expires (an hour), and renewed early when GitHub answers 401 (for example after a revocation).
 */
final class GitHubAppInstallation implements GitHubCredentials {
    private final long installationId;
    private final TokenCache<InstallationToken> cache;

    /** @param appCaller a caller authenticated with the App's JWT ({@link GitHubAppJwt}) */
    GitHubAppInstallation(long installationId, Supplier<GitHubApi> api, GitHubCaller appCaller, Duration refreshMargin,
            Clock clock) {
        this.installationId = installationId;
        String call = "POST /app/installations/" + installationId + "/access_tokens";
        this.cache = new TokenCache<>(
                () -> appCaller.call(call, jwt -> api.get().installationToken(jwt, installationId))
                        .map(response -> GitHubJson.installationToken(GitHubJson.body(response))),
                token -> clock.instant().plus(refreshMargin).isBefore(token.expiresAt()));
    }

    @Override
    public Uni<String> token() {
        return cache.get().map(InstallationToken::token);
    }

    @Override
    public void invalidate() {
        cache.invalidate();
    }

    @Override
    public String toString() {
        return "GitHubAppInstallation[installation " + installationId + "]";
    }
}
