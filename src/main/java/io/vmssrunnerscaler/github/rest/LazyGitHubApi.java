package io.vmssrunnerscaler.github.rest;

import java.util.function.Supplier;

/**
 * The REST client of {@link GitHubApi}, built on the first call rather than with {@link RestGitHub}:
 * the scaler builds its GitHub port at start-up, but needs GitHub only once work arrives, and
 * building a Quarkus REST client (its Vert.x HTTP client, the interface's generated invokers) costs
 * the start-up thread about 0.1-0.2 s. Not an implementation of {@link GitHubApi} itself: a class
 * implementing a {@code @Path} interface could be taken for a server resource.
 */
final class LazyGitHubApi implements Supplier<GitHubApi>, AutoCloseable {
    private final GitHubSettings settings;
    private volatile GitHubApi api;
    private boolean closed; // guarded by this

    LazyGitHubApi(GitHubSettings settings) {
        this.settings = settings;
    }

    @Override
    public GitHubApi get() {
        GitHubApi built = api;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the GitHub client is closed");
            }
            if (api == null) {
                api = GitHubApi.create(settings);
            }
            return api;
        }
    }

    /** Releases the client's connections, if it was ever built. */
    @Override
    public synchronized void close() {
        closed = true;
        if (api != null) {
            GitHubApi.close(api);
        }
    }
}
