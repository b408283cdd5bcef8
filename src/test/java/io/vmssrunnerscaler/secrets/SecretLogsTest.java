package io.vmssrunnerscaler.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault.Outage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/** With every relevant logger at its most verbose, no record carries a secret value. */
class SecretLogsTest extends KeyVaultFixture {
    private static final List<String> LOGGERS = List.of("io.vmssrunnerscaler", "com.azure", "io.vertx", "reactor");

    @Test
    void noValueInAnyLogRecordAcrossReadsRetriesAndRotation() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                StringWriter trace = new StringWriter();
                if (record.getThrown() != null) {
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                }
                lines.add(record.getLoggerName() + " " + format.formatMessage(record) + " " + trace);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Map<String, Level> before = new HashMap<>();
        LOGGERS.forEach(name -> before.put(name, Logger.getLogger(name).getLevel()));
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        LOGGERS.forEach(name -> Logger.getLogger(name).setLevel(Level.ALL));
        try {
            KeyVaultSecretStore store = store();
            vault.throttleNext(1, Duration.ZERO);
            assertEquals(V1, result(store.get(NAME)));
            vault.setSecret(NAME, V2);
            store.invalidate(NAME);
            assertEquals(V2, result(store.get(NAME)));
            vault.goDown(Outage.SERVICE_UNAVAILABLE);
            store.invalidate(NAME);
            failure(SecretStoreException.Transient.class, store.get(NAME));
        } finally {
            root.removeHandler(capture);
            before.forEach((name, level) -> Logger.getLogger(name).setLevel(level));
        }

        assertTrue(lines.stream().anyMatch(l -> l.contains("attempt 1 of 3")), () -> "capture works: " + lines);
        lines.forEach(line -> Leaks.assertNoValueIn(line, vault.allValues()));
    }
}
