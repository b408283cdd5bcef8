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
import io.vmssrunnerscaler.scaleset.CapacityRefusal;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.ArmErrors.Kind;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
        "200, AllocationFailed,       CAPACITY_REFUSED",
        "200, null,                   TRANSIENT",
    })
    void classifiesByStatusThenErrorCode(int status, String code, Kind expected) {
        assertEquals(expected, ArmErrors.classify(status, code));
    }

    @ParameterizedTest(name = "{0} {1} details [{2}] capacity change {3} -> {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // the vCPU quota: 409 OperationNotAllowed, a refusal only on a capacity change
        "409 | OperationNotAllowed              | ''                       | true  | CAPACITY_REFUSED | OperationNotAllowed",
        "409 | OperationNotAllowed              | ''                       | false | CONFLICT         | null",
        "200 | OperationNotAllowed              | ''                       | true  | CAPACITY_REFUSED | OperationNotAllowed",
        "400 | OperationNotAllowed              | ''                       | true  | REJECTED         | null",
        "400 | QuotaExceeded                    | ''                       | false | REJECTED         | null",
        "200 | InvalidTemplateDeployment        | QuotaExceeded            | true  | CAPACITY_REFUSED | QuotaExceeded",
        // a throttle is a throttle, whatever its code and details say
        "429 | OperationNotAllowed              | TooManyRequests          | true  | THROTTLED        | null",
        "429 | OperationNotAllowed              | AllocationFailed         | true  | THROTTLED        | null",
        // allocation, constraints, SKU and Spot capacity: sync (409) or as the operation's end (200)
        "409 | AllocationFailed                 | ''                       | false | CAPACITY_REFUSED | AllocationFailed",
        "200 | AllocationFailed                 | ''                       | false | CAPACITY_REFUSED | AllocationFailed",
        "409 | ZonalAllocationFailed            | ''                       | true  | CAPACITY_REFUSED | ZonalAllocationFailed",
        "200 | OverconstrainedAllocationRequest | ''                       | true  | CAPACITY_REFUSED | OverconstrainedAllocationRequest",
        "409 | OverconstrainedZonalAllocationRequest | ''                  | true  | CAPACITY_REFUSED | OverconstrainedZonalAllocationRequest",
        "409 | SkuNotAvailable                  | ''                       | true  | CAPACITY_REFUSED | SkuNotAvailable",
        "400 | skunotavailable                  | ''                       | true  | CAPACITY_REFUSED | skunotavailable",
        // Azure nests the real code under a generic one
        "200 | ResourceDeploymentFailure        | AllocationFailed         | true  | CAPACITY_REFUSED | AllocationFailed",
        "409 | Conflict                         | Other,ZonalAllocationFailed | false | CAPACITY_REFUSED | ZonalAllocationFailed",
        "200 | InternalExecutionError           | ''                       | false | TRANSIENT        | null",
        // plain conflicts stay conflicts
        "409 | Conflict                         | ''                       | true  | CONFLICT         | null",
        "409 | OperationPreempted               | ''                       | true  | CONFLICT         | null",
        "409 | null                             | ''                       | true  | CONFLICT         | null",
        "412 | null                             | ''                       | true  | CONFLICT         | null",
        // never a refusal from a server error or an authorisation failure
        "500 | AllocationFailed                 | ''                       | true  | TRANSIENT        | null",
        "403 | SkuNotAvailable                  | ''                       | true  | UNAUTHORIZED     | null",
    })
    void refusalsOfCapacityAreKnownByStatusAndCode(int status, String code, String details, boolean capacityChange,
            Kind expected, String refusal) {
        List<String> detailCodes = details.isBlank() ? List.of() : List.of(details.split(","));

        assertEquals(expected, ArmErrors.classify(status, code, detailCodes, capacityChange));
        assertEquals(refusal, ArmErrors.refusal(status, code, detailCodes, capacityChange));
    }

    @Test
    void aQuotaRefusalCarriesItsCodeReasonAndCorrelationId() {
        var e = new ManagementException("quota", response(409, Map.of("x-ms-correlation-request-id", "corr-9")),
                new ManagementError("OperationNotAllowed", "Operation could not be completed as it results in exceeding"
                        + " approved Total Regional Cores quota."));

        var r = assertInstanceOf(ScaleSetException.CapacityRefused.class, errors.translate(e, "set capacity to 9", REF, true));
        assertInstanceOf(CapacityRefusal.class, r);
        assertEquals("OperationNotAllowed", r.refusalCode());
        assertEquals("vCPU quota exceeded", r.refusalReason());
        assertEquals("corr-9", r.correlationId());
        assertEquals(409, r.details().status());
        // the same answer to a call that does not change capacity stays a conflict
        assertInstanceOf(ScaleSetException.Conflict.class, errors.translate(e, "re-image 1 instances", REF));
    }

    @Test
    void aFailedOperationIsARefusalByTheCodeNestedInItsDetails() {
        var failed = new ArmErrors.OperationFailed(200, new HttpHeaders(), """
                {"startTime":"2026-01-01T00:00:00Z","status":"Failed","error":{"code":"ResourceDeploymentFailure",
                 "message":"The resource write operation failed to complete successfully.",
                 "details":[{"code":"OverconstrainedZonalAllocationRequest","message":"Allocation failed."}]},"name":"op"}""");

        var r = assertInstanceOf(ScaleSetException.CapacityRefused.class, errors.translate(failed, "set capacity to 3", REF, true));
        assertEquals("OverconstrainedZonalAllocationRequest", r.refusalCode());
        assertEquals("ResourceDeploymentFailure", r.details().code());
    }

    @Test
    void detailsAreReadFromTheSdkErrorToo() throws Exception {
        var error = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readValue("""
                {"code":"Conflict","message":"m","details":[{"code":"SkuNotAvailable","message":"m2"}]}""", ManagementError.class);
        var e = new ManagementException("m", response(409, Map.of()), error);

        var r = assertInstanceOf(ScaleSetException.CapacityRefused.class, errors.translate(e, "set capacity to 3", REF, true));
        assertEquals("SkuNotAvailable", r.refusalCode());
    }

    @Test
    void garbageOperationBodiesAreNoRefusal() {
        for (String body : new String[] {null, "", "not json", "{\"error\":{\"details\":\"AllocationFailed\"}}", "[]"}) {
            var failed = new ArmErrors.OperationFailed(200, null, body);
            assertInstanceOf(ScaleSetException.Transient.class, errors.translate(failed, "set capacity to 3", REF, true), body);
        }
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


    @org.junit.jupiter.api.Test
    void anOperationsEndIsDescribedOnOneBoundedLineWithAzuresMessage() {
        String canceled = """
                {"startTime":"2025-01-06T09:00:00Z","status":"Canceled","name":"op",
                 "error":{"code":"OperationPreempted","message":"Operation execution has been\\n preempted."}}""";
        String huge = "{\"status\":\"Failed\",\"error\":{\"code\":\"X\",\"message\":\"" + "a".repeat(1000) + "\"}}";

        assertEquals("operation Canceled: Operation execution has been preempted.", ArmErrors.operationOutcome(canceled));
        assertEquals("operation Failed: " + "a".repeat(300) + "...", ArmErrors.operationOutcome(huge));
        assertEquals("operation did not succeed", ArmErrors.operationOutcome(null));
    }

    private static HttpResponse response(int status, Map<String, String> headers) {
        HttpHeaders h = new HttpHeaders();
        headers.forEach((k, v) -> h.set(HttpHeaderName.fromString(k), v));
        return StubAzureResponse.of("https://management.azure.com/", status, h);
    }
}
