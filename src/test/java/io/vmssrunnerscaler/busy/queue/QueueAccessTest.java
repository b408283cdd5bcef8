package io.vmssrunnerscaler.busy.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.storage.queue.QueueClientBuilder;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Access and settings never show a secret and refuse what cannot work. */
class QueueAccessTest {
    private static final String CONNECTION_STRING = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=" + Azurite.ACCOUNT_KEY + ";QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    @Test
    void aConnectionStringIsNeverShown() {
        QueueAccess access = QueueAccess.connectionString(CONNECTION_STRING);
        assertEquals("ConnectionString[hidden]", access.toString());
    }

    @Test
    void aMalformedConnectionStringIsRejectedWithoutEchoingIt() {
        String malformed = "AccountKey=" + Azurite.ACCOUNT_KEY;
        QueueStoreException e = assertThrows(QueueStoreException.Rejected.class,
                () -> QueueAccess.connectionString(malformed).applyTo(new QueueClientBuilder()));
        assertFalse(e.getMessage().contains(Azurite.ACCOUNT_KEY), e.getMessage());
    }

    @Test
    void aCredentialNeedsAnHttpsEndpointWithoutSasQuery() {
        TokenCredential credential = request -> Mono.just(new AccessToken("t", OffsetDateTime.now().plusHours(1)));
        assertEquals("Credential[https://acct.queue.core.windows.net]",
                QueueAccess.credential("https://acct.queue.core.windows.net", credential).toString());
        assertThrows(IllegalArgumentException.class,
                () -> QueueAccess.credential("https://acct.queue.core.windows.net?sig=secret", credential));
        assertThrows(IllegalArgumentException.class,
                () -> QueueAccess.credential("http://acct.queue.core.windows.net", credential));
    }

    @Test
    void settingsRefuseWhatTheQueueWouldRefuse() {
        QueueStoreSettings ok = QueueStoreSettings.defaults("busy-markers");
        assertEquals(Duration.ofSeconds(10), ok.callDeadline());
        for (String name : new String[] {"Busy", "ab", "-busy", "busy-", "busy--markers", "a".repeat(64)}) {
            assertThrows(IllegalArgumentException.class, () -> QueueStoreSettings.defaults(name), name);
        }
        assertThrows(IllegalArgumentException.class, () -> new QueueStoreSettings("busy", ok.attemptTimeout(),
                ok.maxRetries(), ok.firstBackoff(), ok.maxBackoff(), ok.callDeadline(), ok.loadDeadline(),
                Duration.ofMillis(500)));
    }
}
