package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the scaler authenticates at GitHub. Secrets come from suppliers, read on first use and
 * again after GitHub answered 401; {@code forget} runs before that re-read, so that a caching
 * secret store (Key Vault) reads its source again and a rotated secret is picked up.
 */
public sealed interface GitHubAuth {

    /**
     * A personal access token: classic with {@code repo} (repository runners) or {@code admin:org}
     * (organisation runners), or fine-grained with the matching self-hosted runner permission.
     */
    record PersonalAccessToken(Supplier<Uni<String>> token, Runnable forget) implements GitHubAuth {
        public PersonalAccessToken {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(forget, "forget");
        }

        public PersonalAccessToken(Supplier<Uni<String>> token) {
            this(token, () -> {});
        }
    }

    /**
     * A GitHub App installation: the App needs {@code administration} (repository runners) or
     * {@code organization_self_hosted_runners} (organisation runners), write.
     *
     * @param appId the App's id (or client id), the JWT's {@code iss}
     * @param installationId the installation in the account whose runners are managed
     * @param privateKeyPem the App's private key, PEM (PKCS#1 as GitHub issues it, or PKCS#8)
     */
    record App(String appId, long installationId, Supplier<Uni<String>> privateKeyPem, Runnable forget)
            implements GitHubAuth {
        public App {
            Objects.requireNonNull(appId, "appId");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            Objects.requireNonNull(forget, "forget");
        }

        public App(String appId, long installationId, Supplier<Uni<String>> privateKeyPem) {
            this(appId, installationId, privateKeyPem, () -> {});
        }
    }

    /** A fixed token, for tools and tests; a service should read it from a secret store. */
    static GitHubAuth token(String token) {
        return new PersonalAccessToken(() -> Uni.createFrom().item(token));
    }
}
