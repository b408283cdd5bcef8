package io.vmssrunnerscaler.github.rest;

import java.time.Instant;

/** A GitHub App installation access token. Secret. */
record InstallationToken(String token, Instant expiresAt) {
    @Override
    public String toString() {
        return "InstallationToken[token=***, expiresAt=" + expiresAt + "]";
    }
}
