package io.vmssrunnerscaler.github.rest;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Authenticates as the GitHub App itself, for the one call that needs it (an installation
 * token): a fresh RS256 JWT per use, {@code iat} 60 s in the past against clock drift, {@code exp}
 * 10 minutes after that (GitHub's maximum), {@code iss} the App id. The private key is read from
 * its PEM on first use and again after {@link #invalidate()}, so that a rotated key is picked up.
 */
final class GitHubAppJwt implements GitHubCredentials {
    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final String appId;
    private final TokenCache<PrivateKey> key;
    private final Runnable forget;
    private final Clock clock;

    GitHubAppJwt(String appId, Supplier<Uni<String>> privateKeyPem, Runnable forget, Clock clock) {
        this.appId = appId;
        this.forget = forget;
        this.clock = clock;
        this.key = new TokenCache<>(() -> privateKeyPem.get().map(PemPrivateKeys::read), k -> true);
    }

    @Override
    public Uni<String> token() {
        return key.get().map(this::sign);
    }

    @Override
    public void invalidate() {
        forget.run();
        key.invalidate();
    }

    private String sign(PrivateKey privateKey) {
        Instant issued = clock.instant().minus(BACKDATE);
        return Jwt.issuer(appId)
                .issuedAt(issued.getEpochSecond())
                .expiresAt(issued.plus(LIFETIME).getEpochSecond())
                .jws().algorithm(SignatureAlgorithm.RS256)
                .sign(privateKey);
    }

    @Override
    public String toString() {
        return "GitHubAppJwt[app " + appId + "]";
    }
}
