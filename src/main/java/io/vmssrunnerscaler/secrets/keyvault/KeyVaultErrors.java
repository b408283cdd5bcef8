package io.vmssrunnerscaler.secrets.keyvault;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import io.vertx.core.VertxException;
import io.vmssrunnerscaler.secrets.SecretStoreException;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.Exceptions;

/** Translates what the Key Vault client throws into a {@link SecretStoreException}, by type and status code only. */
final class KeyVaultErrors {
    private KeyVaultErrors() {
    }

    static SecretStoreException translate(String name, Throwable failure, Supplier<OffsetDateTime> now) {
        Throwable f = unwrap(failure);
        if (f instanceof SecretStoreException known) {
            return known;
        }
        if (f instanceof HttpResponseException http && http.getResponse() != null) {
            return byStatus(name, http.getResponse(), now);
        }
        if (f instanceof ClientAuthenticationException) {
            // The credential could not get a token (no response from the vault involved).
            return new SecretStoreException.Unauthorized(name, "no token for Key Vault", 0, null);
        }
        Throwable transport = transportCause(f);
        if (transport != null) {
            return new SecretStoreException.Transient(name, "Key Vault unreachable or too slow: "
                    + transport.getClass().getSimpleName(), 0, null, transport);
        }
        // Not chained: an unknown exception might quote a response body, which could hold the value.
        return new SecretStoreException.Unexpected(name, "Key Vault read failed: " + f.getClass().getName(), 0, null);
    }

    static SecretStoreException byStatus(String name, HttpResponse response, Supplier<OffsetDateTime> now) {
        int status = response.getStatusCode();
        String requestId = response.getHeaderValue(HttpHeaderName.X_MS_REQUEST_ID);
        if (status == 404) {
            return new SecretStoreException.NotFound(name, "not in the vault", status, requestId);
        }
        if (status == 401 || status == 403) {
            return new SecretStoreException.Unauthorized(name, "the vault refused our identity", status, requestId);
        }
        if (status == 429) {
            return new SecretStoreException.Throttled(name, status, requestId, retryAfter(response, now.get()));
        }
        if (status == 408 || status >= 500) {
            return new SecretStoreException.Transient(name, "the vault is unavailable", status, requestId, null);
        }
        return new SecretStoreException.Unexpected(name, "the vault rejected the request", status, requestId);
    }

    /** Retry-After as milliseconds (Azure's own headers), seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse response, OffsetDateTime now) {
        for (HttpHeaderName header : new HttpHeaderName[] {HttpHeaderName.RETRY_AFTER_MS, HttpHeaderName.X_MS_RETRY_AFTER_MS}) {
            Long ms = parseLong(response.getHeaderValue(header));
            if (ms != null && ms >= 0) {
                return Duration.ofMillis(ms);
            }
        }
        String value = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
        if (value == null) {
            return null;
        }
        Long seconds = parseLong(value);
        if (seconds != null) {
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        }
        try {
            Duration until = Duration.between(now, OffsetDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable f = Exceptions.unwrap(failure);
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }

    /** The socket-level failure behind {@code f}: these never see a response body, so they may be chained. */
    private static Throwable transportCause(Throwable f) {
        for (Throwable t = f; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof VertxException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
