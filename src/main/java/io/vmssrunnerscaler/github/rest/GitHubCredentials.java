package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/** Where the bearer token of GitHub calls comes from. Implementations never log or print it. */
public interface GitHubCredentials {

    /** The current token, fetched or renewed when needed; evaluated on subscription. */
    Uni<String> token();

    /** GitHub answered 401: forget the token, so that the next {@link #token()} fetches a new one. */
    void invalidate();

    /**
     * A personal access token, read from {@code secret} (for example a Key Vault secret) on first
     * use and again after {@link #invalidate()}, which first runs {@code forget} (to make a
     * caching secret store read its source again), so that a rotated secret is picked up.
     */
    static GitHubCredentials personalAccessToken(Supplier<Uni<String>> secret, Runnable forget) {
        TokenCache<String> cache = new TokenCache<>(secret, t -> true);
        return new GitHubCredentials() {
            @Override
            public Uni<String> token() {
                return cache.get();
            }

            @Override
            public void invalidate() {
                forget.run();
                cache.invalidate();
            }

            @Override
            public String toString() {
                return "GitHubCredentials[personal access token]";
            }
        };
    }
}
