package io.vmssrunnerscaler.intake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that runner VMs present on their hook calls: an HMAC over pool, instance, runner name and
 * issue time, so a token is bound to the one instance it was issued to and expires.
 * Format: {@code v1.<base64url(claims)>.<base64url(hmac)>}.
 */
public final class HookTokens {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private final Mac prototype;
    private final Duration maxAge;

    /** What a valid token says. */
    public record Claims(String pool, String instanceId, String runnerName, Instant issuedAt) {}

    public HookTokens(byte[] key, Duration maxAge) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        this.maxAge = maxAge;
    }

    public String issue(String pool, String instanceId, String runnerName, Instant now) {
        byte[] claims = String.join("\n", pool, instanceId, runnerName, Long.toString(now.getEpochSecond()))
                .getBytes(StandardCharsets.UTF_8);
        return "v1." + ENCODER.encodeToString(claims) + "." + ENCODER.encodeToString(mac().doFinal(claims));
    }

    /** The claims of a genuine, unexpired token; empty for anything else. */
    public Optional<Claims> verify(String token, Instant now) {
        if (token == null || token.length() > 1024 || !token.startsWith("v1.")) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        byte[] claims;
        byte[] given;
        try {
            claims = DECODER.decode(parts[1]);
            given = DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac().doFinal(claims), given)) {
            return Optional.empty();
        }
        String[] fields = new String(claims, StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 4) {
            return Optional.empty();
        }
        Instant issuedAt;
        try {
            issuedAt = Instant.ofEpochSecond(Long.parseLong(fields[3]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (issuedAt.plus(maxAge).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(new Claims(fields[0], fields[1], fields[2], issuedAt));
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 Mac cannot be cloned", e);
        }
    }
}
