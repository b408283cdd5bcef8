package io.vmssrunnerscaler.fakes.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call the fake: personal access tokens the test registered, installation tokens it
 * issued (until they expire or are revoked), and GitHub Apps whose JWTs are checked against the
 * App's public key and GitHub's rules for {@code iss}, {@code iat} and {@code exp}.
 */
final class FakeAuth {
    /** GitHub allows an App JWT to live at most ten minutes. */
    static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
    /** Leeway for clocks that run a little apart. */
    private static final Duration SKEW = Duration.ofSeconds(5);

    private record App(String appId, PublicKey key) {}

    private final SecureRandom random = new SecureRandom();
    private final Set<String> tokens = new HashSet<>();
    private final Map<String, Instant> installationTokens = new HashMap<>();
    private final Map<Long, App> installations = new HashMap<>();
    private final List<String> issued = new ArrayList<>();
    private Duration installationTokenLifetime = Duration.ofHours(1);
    private JsonNode lastJwtClaims;

    synchronized void accept(String token) {
        tokens.add(token);
    }

    synchronized void revoke(String token) {
        tokens.remove(token);
        installationTokens.remove(token);
    }

    synchronized void registerApp(String appId, long installationId, PublicKey key) {
        installations.put(installationId, new App(appId, key));
    }

    synchronized void revokeInstallationTokens() {
        installationTokens.clear();
    }

    synchronized void installationTokenLifetime(Duration lifetime) {
        installationTokenLifetime = lifetime;
    }

    /** Every installation token issued, for leak checks. */
    synchronized List<String> issued() {
        return List.copyOf(issued);
    }

    synchronized JsonNode lastJwtClaims() {
        return lastJwtClaims;
    }

    /** Whether {@code Authorization: Bearer|token X} names a valid token now. */
    synchronized boolean accepts(String authorization, Instant now) {
        String token = bearer(authorization);
        if (token == null) {
            return false;
        }
        Instant expiry = installationTokens.get(token);
        return tokens.contains(token) || (expiry != null && now.isBefore(expiry));
    }

    /** {@code POST /app/installations/{id}/access_tokens}: checks the App's JWT, then issues a token. */
    synchronized FakeReply issueInstallationToken(String authorization, long installationId, Instant now) {
        App app = installations.get(installationId);
        if (app == null) {
            return FakeReply.error(404, "Not Found");
        }
        String jwt = bearer(authorization);
        JsonNode claims = jwt == null ? null : verifiedClaims(jwt, app, now);
        if (claims == null) {
            return FakeReply.error(401, "A JSON web token could not be decoded");
        }
        lastJwtClaims = claims;
        byte[] secret = new byte[18];
        random.nextBytes(secret);
        String token = "ghs_" + HexFormat.of().formatHex(secret);
        Instant expires = now.plus(installationTokenLifetime);
        installationTokens.put(token, expires);
        issued.add(token);
        return FakeReply.json(201, Map.of("token", token, "expires_at", expires.toString(),
                "permissions", Map.of("administration", "write", "organization_self_hosted_runners", "write"),
                "repository_selection", "all"));
    }

    /** The id of the registered App whose valid JWT {@code authorization} carries, if any (an installation token is none). */
    synchronized Optional<String> appOf(String authorization, Instant now) {
        String jwt = bearer(authorization);
        if (jwt == null) {
            return Optional.empty();
        }
        return installations.values().stream().filter(app -> verifiedClaims(jwt, app, now) != null).map(App::appId)
                .findFirst();
    }

    /** The installation registered for the App, or null. */
    synchronized Long installationOf(String appId) {
        return installations.entrySet().stream().filter(e -> e.getValue().appId().equals(appId)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** The claims when signature, algorithm, issuer and times pass GitHub's checks; else null. */
    private static JsonNode verifiedClaims(String jwt, App app, Instant now) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            Base64.Decoder decoder = Base64.getUrlDecoder();
            JsonNode header = FakeReply.JSON.readTree(decoder.decode(parts[0]));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(app.key());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!"RS256".equals(header.path("alg").asText()) || !rsa.verify(decoder.decode(parts[2]))) {
                return null;
            }
            JsonNode claims = FakeReply.JSON.readTree(decoder.decode(parts[1]));
            Instant iat = Instant.ofEpochSecond(claims.path("iat").asLong());
            Instant exp = Instant.ofEpochSecond(claims.path("exp").asLong());
            boolean timesOk = !iat.isAfter(now.plus(SKEW)) && exp.isAfter(now)
                    && !exp.isAfter(now.plus(MAX_JWT_LIFETIME).plus(SKEW))
                    && Duration.between(iat, exp).compareTo(MAX_JWT_LIFETIME) <= 0;
            return timesOk && app.appId().equals(claims.path("iss").asText()) ? claims : null;
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        int space = a.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = a.substring(0, space);
        return scheme.equalsIgnoreCase("Bearer") || scheme.equalsIgnoreCase("token") ? a.substring(space + 1).trim() : null;
    }
}
