package io.vmssrunnerscaler.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSecretStoreTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    final ConfigSecretStore store = new ConfigSecretStore(Map.of("github-token", "ghp_configured-value"));

    @Test
    void givesTheConfiguredValue() {
        assertEquals("ghp_configured-value", store.get("github-token").await().atMost(WAIT));
        store.invalidate("github-token");
        assertEquals("ghp_configured-value", store.get("github-token").await().atMost(WAIT), "invalidate changes nothing");
    }

    @Test
    void anUnknownNameIsNotFoundAndNothingLeaks() {
        var e = assertThrows(SecretStoreException.NotFound.class, () -> store.get("webhook-secret").await().atMost(WAIT));
        assertEquals("webhook-secret", e.secretName());
        Leaks.assertNoValueIn(e, List.of("ghp_configured-value"));
        Leaks.assertNoValueIn(store.toString(), List.of("ghp_configured-value"));
        assertEquals("ConfigSecretStore[github-token]", store.toString());
    }
}
