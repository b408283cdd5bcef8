package io.vmssrunnerscaler.github;

import java.time.Instant;

/** A runner registration token. Secret. */
public record RegistrationToken(String token, Instant expiresAt) {
    @Override
    public String toString() {
        return "RegistrationToken[token=***, expiresAt=" + expiresAt + "]";
    }
}
