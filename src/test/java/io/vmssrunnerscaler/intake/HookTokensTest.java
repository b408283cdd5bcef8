package io.vmssrunnerscaler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HookTokensTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    final HookTokens tokens = new HookTokens("k".repeat(32).getBytes(StandardCharsets.UTF_8), Duration.ofHours(2));

    @Test
    void aTokenCarriesItsClaimsUntilItExpires() {
        String token = tokens.issue("linux", "7", "linux000007", NOW);
        HookTokens.Claims claims = tokens.verify(token, NOW.plusSeconds(3600)).orElseThrow();
        assertEquals(new HookTokens.Claims("linux", "7", "linux000007", NOW), claims);
        assertTrue(tokens.verify(token, NOW.plus(Duration.ofHours(2)).plusSeconds(1)).isEmpty(), "expired");
    }

    @Test
    void forgedAndForeignTokensAreRefused() {
        String token = tokens.issue("linux", "7", "linux000007", NOW);
        String[] parts = token.split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("linux\n8\nlinux000008\n1772359200".getBytes(StandardCharsets.UTF_8));
        assertTrue(tokens.verify(parts[0] + "." + otherClaims + "." + parts[2], NOW).isEmpty(), "claims swapped");
        assertTrue(tokens.verify(token.substring(0, token.length() - 2) + "AA", NOW).isEmpty(), "mac changed");
        HookTokens otherKey = new HookTokens("x".repeat(32).getBytes(StandardCharsets.UTF_8), Duration.ofHours(2));
        assertTrue(otherKey.verify(token, NOW).isEmpty(), "another scaler's key");
        for (String junk : new String[] {null, "", "v1", "v1..", "v2." + parts[1] + "." + parts[2], "v1.%%%.%%%", "Bearer x"}) {
            assertTrue(tokens.verify(junk, NOW).isEmpty(), () -> "junk accepted: " + junk);
        }
    }
}
