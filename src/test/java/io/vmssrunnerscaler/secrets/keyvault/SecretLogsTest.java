package io.vmssrunnerscaler.secrets.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault.Outage;
import io.vmssrunnerscaler.secrets.Leaks;
import io.vmssrunnerscaler.secrets.SecretStoreException;
import io.vmssrunnerscaler.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** With every relevant logger at its most verbose, no record carries a secret value. */
class SecretLogsTest extends KeyVaultFixture {
    private static final List<String> LOGGERS = List.of("io.vmssrunnerscaler", "com.azure", "io.vertx", "reactor");

    @Test
    void noValueInAnyLogRecordAcrossReadsRetriesAndRotation() {
        List<String> lines = LogCapture.during(LOGGERS, Level.ALL, () -> {
            KeyVaultSecretStore store = store();
            vault.throttleNext(1, Duration.ZERO);
            assertEquals(V1, result(store.get(NAME)));
            vault.setSecret(NAME, V2);
            store.invalidate(NAME);
            assertEquals(V2, result(store.get(NAME)));
            vault.goDown(Outage.SERVICE_UNAVAILABLE);
            store.invalidate(NAME);
            failure(SecretStoreException.Transient.class, store.get(NAME));
        });

        assertTrue(lines.stream().anyMatch(l -> l.contains("attempt 1 of 3")), () -> "capture works: " + lines);
        lines.forEach(line -> Leaks.assertNoValueIn(line, vault.allValues()));
    }
}
