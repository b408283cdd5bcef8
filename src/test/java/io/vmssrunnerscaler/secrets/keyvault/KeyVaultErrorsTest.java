package io.vmssrunnerscaler.secrets.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import io.vmssrunnerscaler.fakes.StubAzureResponse;
import io.vmssrunnerscaler.secrets.Leaks;
import io.vmssrunnerscaler.secrets.SecretStoreException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.Exceptions;

class KeyVaultErrorsTest {
    static final OffsetDateTime NOW = OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource({
            "404, NotFound", "401, Unauthorized", "403, Unauthorized", "429, Throttled",
            "408, Transient", "500, Transient", "502, Transient", "503, Transient", "504, Transient",
            "400, Unexpected", "409, Unexpected"})
    void classifiesByStatusCodeOnly(int status, String kind) {
        // The message says the opposite of the status, to show it is not read.
        var failure = new HttpResponseException("SecretNotFound: throttled, unavailable", response(status, Map.of()));
        SecretStoreException e = translate(failure);
        assertEquals(kind, e.getClass().getSimpleName());
        assertEquals(status, e.status());
        assertEquals("req-1", e.requestId().orElseThrow());
    }

    @Test
    void readsRetryAfterInItsThreeForms() {
        assertEquals(Duration.ofSeconds(7), retryAfter(Map.of("Retry-After", "7")));
        assertEquals(Duration.ofMillis(1500), retryAfter(Map.of("retry-after-ms", "1500", "Retry-After", "2")));
        assertEquals(Duration.ofMillis(250), retryAfter(Map.of("x-ms-retry-after-ms", "250")));
        assertEquals(Duration.ofSeconds(90), retryAfter(Map.of("Retry-After", "Thu, 01 Jan 2026 12:01:30 GMT")));
        assertNull(retryAfter(Map.of("Retry-After", "soon")));
        assertNull(retryAfter(Map.of()));
    }

    @Test
    void transportFailuresAreTransientAndKeepTheirCause() {
        var refused = new ConnectException("Connection refused");
        SecretStoreException e = translate(Exceptions.propagate(new CompletionException(refused)));
        assertInstanceOf(SecretStoreException.Transient.class, e);
        assertSame(refused, e.getCause());
        assertInstanceOf(SecretStoreException.Transient.class, translate(new TimeoutException()));
    }

    @Test
    void credentialFailuresAreUnauthorizedAndUnknownOnesUnexpectedWithoutTheirMessage() {
        assertInstanceOf(SecretStoreException.Unauthorized.class,
                translate(new ClientAuthenticationException("managed identity unavailable", null)));
        SecretStoreException odd = translate(new IllegalStateException("Unexpected character in {\"value\":\"s3cr3t"));
        assertInstanceOf(SecretStoreException.Unexpected.class, odd);
        assertNull(odd.getCause());
        Leaks.assertNoValueIn(odd, java.util.List.of("s3cr3t"));
        var notFound = new ResourceNotFoundException("gone", response(404, Map.of()));
        assertNull(translate(notFound).getCause(), "an HTTP failure may quote a body: never chained");
    }

    private static SecretStoreException translate(Throwable failure) {
        return KeyVaultErrors.translate("github-token", failure, () -> NOW);
    }

    private static Duration retryAfter(Map<String, String> headers) {
        return KeyVaultErrors.retryAfter(response(429, headers), NOW);
    }

    private static HttpResponse response(int status, Map<String, String> extra) {
        HttpHeaders headers = new HttpHeaders().set("x-ms-request-id", "req-1");
        extra.forEach(headers::set);
        return StubAzureResponse.of("https://kv.vault.azure.net/secrets/x/", status, headers);
    }
}
