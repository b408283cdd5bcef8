package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.VertxException;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Translates whatever a call failed with into a {@link ScaleSetException}: by HTTP status first,
 * then by ARM's error code, and by exception type for failures without a response. Never by the
 * message text, which Azure may change and localise.
 */
final class ArmErrors {
    /** Compute documents that a throttled caller may call again one minute later. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);
    static final String CORRELATION_ID = "x-ms-correlation-request-id";

    enum Kind { NOT_FOUND, CONFLICT, THROTTLED, TRANSIENT, UNAUTHORIZED, REJECTED }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Kind> CODES = Map.ofEntries(
            Map.entry("notfound", Kind.NOT_FOUND),
            Map.entry("resourcenotfound", Kind.NOT_FOUND),
            Map.entry("resourcegroupnotfound", Kind.NOT_FOUND),
            Map.entry("subscriptionnotfound", Kind.NOT_FOUND),
            Map.entry("parentresourcenotfound", Kind.NOT_FOUND),
            Map.entry("conflict", Kind.CONFLICT),
            Map.entry("operationpreempted", Kind.CONFLICT),
            Map.entry("authorizationfailed", Kind.UNAUTHORIZED),
            Map.entry("linkedauthorizationfailed", Kind.UNAUTHORIZED),
            Map.entry("authenticationfailed", Kind.UNAUTHORIZED),
            Map.entry("invalidauthenticationtoken", Kind.UNAUTHORIZED),
            Map.entry("expiredauthenticationtoken", Kind.UNAUTHORIZED),
            Map.entry("toomanyrequests", Kind.THROTTLED),
            Map.entry("subscriptionrequeststhrottled", Kind.THROTTLED),
            Map.entry("resourcerequeststhrottled", Kind.THROTTLED),
            Map.entry("internalexecutionerror", Kind.TRANSIENT),
            Map.entry("internalservererror", Kind.TRANSIENT),
            Map.entry("internaloperationerror", Kind.TRANSIENT),
            Map.entry("serviceunavailable", Kind.TRANSIENT),
            Map.entry("gatewaytimeout", Kind.TRANSIENT),
            Map.entry("retryableerror", Kind.TRANSIENT),
            Map.entry("invalidparameter", Kind.REJECTED),
            Map.entry("badrequest", Kind.REJECTED),
            Map.entry("quotaexceeded", Kind.REJECTED));

    /** A long-running operation that ended Failed or Canceled; status and headers are the poll's. */
    static final class OperationFailed extends RuntimeException {
        final int status;
        final transient HttpHeaders headers;
        final String body;

        OperationFailed(int status, HttpHeaders headers, String body) {
            super("long-running operation failed", null, false, false);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    private final Clock clock;

    ArmErrors(Clock clock) {
        this.clock = clock;
    }

    /** The kind of an ARM answer: the status decides where it is unambiguous, else the error code. */
    static Kind classify(int status, String code) {
        switch (status) {
            case 401, 403:
                return Kind.UNAUTHORIZED;
            case 404:
                return Kind.NOT_FOUND;
            case 409, 412:
                return Kind.CONFLICT;
            case 429:
                return Kind.THROTTLED;
            case 408:
                return Kind.TRANSIENT;
            default:
                break;
        }
        if (status >= 500) {
            return Kind.TRANSIENT;
        }
        Kind byCode = code == null ? null : CODES.get(code.toLowerCase(Locale.ROOT));
        if (byCode != null) {
            return byCode;
        }
        // A 4xx we do not know is the request's fault; an operation that failed without a known
        // code (allocation failures and the like) may well succeed later.
        return status >= 400 ? Kind.REJECTED : Kind.TRANSIENT;
    }

    ScaleSetException translate(Throwable e, String operation, ScaleSetRef ref) {
        if (e instanceof ScaleSetException s) {
            return s;
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            String code = h instanceof ManagementException m && m.getValue() != null ? m.getValue().getCode() : null;
            return fromResponse(h.getResponse().getStatusCode(), h.getResponse().getHeaders(), code, e, operation, ref);
        }
        if (e instanceof OperationFailed f) {
            return fromResponse(f.status, f.headers, errorCode(f.body), e, operation, ref);
        }
        String detail = e.getClass().getSimpleName();
        ScaleSetException.Details d = new ScaleSetException.Details(operation, ref.toString(), 0, null, null, detail);
        if (e instanceof ClientAuthenticationException) {
            return new ScaleSetException.Unauthorized(d, e); // no token could be obtained
        }
        return new ScaleSetException.Transient(d, e);
    }

    /** Network failures and timeouts, which a retry may cure (by type, walking the causes). */
    static boolean isNetworkFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof VertxException) {
                return true;
            }
        }
        return false;
    }

    private ScaleSetException fromResponse(int status, HttpHeaders headers, String code, Throwable cause,
            String operation, ScaleSetRef ref) {
        String correlation = header(headers, CORRELATION_ID);
        var d = new ScaleSetException.Details(operation, ref.toString(), status, code, correlation, null);
        return switch (classify(status, code)) {
            case NOT_FOUND -> new ScaleSetException.NotFound(d, cause);
            case CONFLICT -> new ScaleSetException.Conflict(d, cause);
            case THROTTLED -> new ScaleSetException.Throttled(d, retryAfter(headers), cause);
            case UNAUTHORIZED -> new ScaleSetException.Unauthorized(d, cause);
            case REJECTED -> new ScaleSetException.Rejected(d, cause);
            case TRANSIENT -> new ScaleSetException.Transient(d, cause);
        };
    }

    private Duration retryAfter(HttpHeaders headers) {
        return RetryAfter.parse(name -> header(headers, name), clock.instant()).orElse(DEFAULT_RETRY_AFTER);
    }

    static String header(HttpHeaders headers, String name) {
        return headers == null ? null : headers.getValue(HttpHeaderName.fromString(name));
    }

    /** The {@code error.code} of an ARM error or operation-status body, or null. */
    static String errorCode(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode code = JSON.readTree(body).path("error").path("code");
            return code.isTextual() ? code.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
