package io.vmssrunnerscaler.scaleset.azure;

import io.vmssrunnerscaler.fakes.MutableClock;
import io.vmssrunnerscaler.fakes.StubAzureResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.ArmErrors.Kind;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Errors are classified by status and error code, never by message, and carry the correlation id. */
class ArmErrorsTest {
    private static final ScaleSetRef REF = new ScaleSetRef("sub", "rg", "vmss");
    private final MutableClock clock = new MutableClock();
    private final ArmErrors errors = new ArmErrors(clock);

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
        "401, null,                   UNAUTHORIZED",
        "403, AuthorizationFailed,    UNAUTHORIZED",
        "404, ResourceNotFound,       NOT_FOUND",
        "409, OperationNotAllowed,    CONFLICT",
        "412, null,                   CONFLICT",
        "429, OperationNotAllowed,    THROTTLED",
        "408, null,                   TRANSIENT",
        "500, InternalExecutionError, TRANSIENT",
        "503, null,                   TRANSIENT",
        "400, InvalidParameter,       REJECTED",
        "400, OperationNotAllowed,    REJECTED",
        "400, ResourceNotFound,       NOT_FOUND",
        "400, null,                   REJECTED",
        "200, InternalExecutionError, TRANSIENT",
        "200, Conflict,               CONFLICT",
        "200, AllocationFailed,       TRANSIENT",
        "200, null,                   TRANSIENT",
    })
    void classifiesByStatusThenErrorCode(int status, String code, Kind expected) {
        assertEquals(expected, ArmErrors.classify(status, code));
    }

    @Test
    void theMessageTextNeverDecides() {
        var e = new ManagementException("Resource not found, conflict, throttled", response(500, Map.of()),
                new ManagementError("InternalExecutionError", "not found"));

        assertInstanceOf(ScaleSetException.Transient.class, errors.translate(e, "list", REF));
    }

    @Test
    void carriesTheCorrelationIdAndTheRetryAfter() {
        var e = new ManagementException("throttled", response(429, Map.of("x-ms-correlation-request-id", "corr-1", "Retry-After", "17")),
                new ManagementError("OperationNotAllowed", "too many"));

        var t = assertInstanceOf(ScaleSetException.Throttled.class, errors.translate(e, "list", REF));
        assertEquals("corr-1", t.correlationId());
        assertEquals(Duration.ofSeconds(17), t.retryAfter());
        assertEquals("OperationNotAllowed", t.details().code());
    }

    @Test
    void aThrottleWithoutRetryAfterWaitsTheMinuteComputeDocuments() {
        var e = new ManagementException("throttled", response(429, Map.of()));

        var t = assertInstanceOf(ScaleSetException.Throttled.class, errors.translate(e, "list", REF));
        assertEquals(Duration.ofMinutes(1), t.retryAfter());
    }

    @Test
    void failuresWithoutAResponseAreClassifiedByType() {
        assertInstanceOf(ScaleSetException.Unauthorized.class,
                errors.translate(new ClientAuthenticationException("no token", null), "list", REF));
        assertInstanceOf(ScaleSetException.Transient.class, errors.translate(new IOException("reset"), "list", REF));
        var already = new ScaleSetException.Conflict(new ScaleSetException.Details("x", "y", 409, null, null, null), null);
        assertSame(already, errors.translate(already, "list", REF));
    }

    @Test
    void aFailedOperationIsClassifiedByTheCodeInItsStatusBody() {
        var failed = new ArmErrors.OperationFailed(200, new HttpHeaders().set(HttpHeaderName.fromString("x-ms-correlation-request-id"), "c2"),
                "{\"status\":\"Failed\",\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"gone\"}}");

        var e = assertInstanceOf(ScaleSetException.NotFound.class, errors.translate(failed, "delete", REF));
        assertEquals("c2", e.correlationId());
        assertEquals("ResourceNotFound", e.details().code());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "null,  null,  120,                           PT2M",
        "1500,  null,  120,                           PT1.5S",
        "null,  250,   null,                          PT0.25S",
        "null,  null,  'Thu, 01 Jan 2026 00:00:30 GMT', PT30S",
        "null,  null,  soon,                          null",
        "null,  null,  null,                          null",
    })
    void readsRetryAfterHeaders(String retryAfterMs, String xMsRetryAfterMs, String retryAfter, Duration expected) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("retry-after-ms", retryAfterMs);
        headers.put("x-ms-retry-after-ms", xMsRetryAfterMs);
        headers.put("Retry-After", retryAfter);

        assertEquals(Optional.ofNullable(expected), RetryAfter.parse(headers::get, Instant.parse("2026-01-01T00:00:00Z")));
    }

    private static HttpResponse response(int status, Map<String, String> headers) {
        HttpHeaders h = new HttpHeaders();
        headers.forEach((k, v) -> h.set(HttpHeaderName.fromString(k), v));
        return StubAzureResponse.of("https://management.azure.com/", status, h);
    }
}
