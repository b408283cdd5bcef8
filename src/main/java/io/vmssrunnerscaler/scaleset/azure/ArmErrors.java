package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.vertx.core.VertxException;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Translates whatever a call failed with into a {@link ScaleSetException}: by HTTP status first,
 * then by ARM's error code (also those Azure nests in {@code error.details}), and by exception type
 * for failures without a response. Never by the message text, which Azure may change and localise.
 */
final class ArmErrors {
    /** Compute documents that a throttled caller may call again one minute later. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);
    static final String CORRELATION_ID = "x-ms-correlation-request-id";
    private static final int MAX_DETAILS = 32;
    /** Azure's message is shown to operators and logged: one line, bounded. */
    private static final int MAX_MESSAGE = 300;

    enum Kind { NOT_FOUND, CONFLICT, THROTTLED, TRANSIENT, UNAUTHORIZED, REJECTED, CAPACITY_REFUSED }

    /**
     * Codes by which Azure refuses capacity whatever the call (docs/PROTOCOLS.md, "Refusals of capacity";
     * Microsoft docs on allocation failures, SKU not available, and Spot errors, where
     * {@code SkuNotAvailable} also means no Spot capacity), with the reason shown to operators.
     */
    private static final Map<String, String> REFUSALS = Map.of(
            "allocationfailed", "no capacity for the VM size in the region",
            "zonalallocationfailed", "no capacity for the VM size in the zone",
            "overconstrainedallocationrequest", "no capacity meeting the scale set's constraints",
            "overconstrainedzonalallocationrequest", "no capacity meeting the scale set's constraints in the zone",
            "skunotavailable", "VM size (or Spot capacity) not available in the location");
    /** Codes that refuse capacity only when the call changes capacity: the vCPU quota. */
    private static final Map<String, String> QUOTA_REFUSALS = Map.of(
            "operationnotallowed", "vCPU quota exceeded",
            "quotaexceeded", "vCPU quota exceeded");

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

    /** The kind of an ARM answer to a call that does not change capacity, by status and top-level code. */
    static Kind classify(int status, String code) {
        return classify(status, code, List.of(), false);
    }

    /**
     * The kind of an ARM answer: the status decides where it is unambiguous (401/403, 404, 408,
     * 429: a throttled call is THROTTLED although its code is OperationNotAllowed too), then a code
     * of refusal in {@code error.code} or {@code error.details[].code}, then the status, then the
     * error code.
     */
    static Kind classify(int status, String code, List<String> detailCodes, boolean capacityChange) {
        switch (status) {
            case 401, 403:
                return Kind.UNAUTHORIZED;
            case 404:
                return Kind.NOT_FOUND;
            case 429:
                return Kind.THROTTLED;
            case 408:
                return Kind.TRANSIENT;
            default:
                break;
        }
        if (refusal(status, code, detailCodes, capacityChange) != null) {
            return Kind.CAPACITY_REFUSED;
        }
        if (status == 409 || status == 412) {
            return Kind.CONFLICT;
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

    /**
     * The code that makes this answer a refusal of capacity, or null: a capacity code in
     * {@code error.code} or in {@code error.details[].code} (Azure nests the real code under a
     * generic one), or, on a capacity change, the quota's {@code OperationNotAllowed} when answered
     * 409 or as the end of the operation (a 400 with it is a bad request, a 429 a throttle).
     */
    static String refusal(int status, String code, List<String> detailCodes, boolean capacityChange) {
        if (status == 401 || status == 403 || status == 404 || status == 408 || status == 429 || status >= 500) {
            return null; // decided by the status alone (see classify)
        }
        List<String> codes = new ArrayList<>();
        if (code != null) {
            codes.add(code);
        }
        codes.addAll(detailCodes);
        for (String c : codes) {
            if (REFUSALS.containsKey(c.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        boolean quotaStatus = status == 409 || status < 400;
        if (capacityChange && quotaStatus) {
            for (String c : codes) {
                if (QUOTA_REFUSALS.containsKey(c.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        return null;
    }

    static String reason(String refusalCode) {
        String lower = refusalCode.toLowerCase(Locale.ROOT);
        return REFUSALS.getOrDefault(lower, QUOTA_REFUSALS.getOrDefault(lower, "capacity refused"));
    }

    ScaleSetException translate(Throwable e, String operation, ScaleSetRef ref) {
        return translate(e, operation, ref, false);
    }

    /** As above; {@code capacityChange} when the call was a capacity PATCH (a quota refusal is possible). */
    ScaleSetException translate(Throwable e, String operation, ScaleSetRef ref, boolean capacityChange) {
        if (e instanceof ScaleSetException s) {
            return s;
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            ManagementError error = h instanceof ManagementException m ? m.getValue() : null;
            Answer a = new Answer(h.getResponse().getStatusCode(), h.getResponse().getHeaders(),
                    error == null ? null : error.getCode(), detailCodes(error), null);
            return fromResponse(a, capacityChange, e, operation, ref);
        }
        if (e instanceof OperationFailed f) {
            JsonNode error = errorNode(f.body);
            Answer a = new Answer(f.status, f.headers, textOrNull(error.path("code")), detailCodes(error),
                    operationOutcome(f.body));
            return fromResponse(a, capacityChange, e, operation, ref);
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

    /**
     * What an answer said: status, headers, {@code error.code}, every {@code error.details[].code},
     * and for the end of an operation how it ended and Azure's message.
     */
    private record Answer(int status, HttpHeaders headers, String code, List<String> detailCodes, String detail) {
    }

    /**
     * How a long-running operation ended, from its status body: {@code "operation Canceled:
     * <error.message>"}. Azure's message names the resource and the reason, never a credential;
     * it is cut to one bounded line all the same.
     */
    static String operationOutcome(String body) {
        JsonNode root = root(body);
        String status = textOrNull(root.path("status"));
        String message = textOrNull(root.path("error").path("message"));
        StringBuilder s = new StringBuilder("operation ").append(status == null ? "did not succeed" : status);
        if (message != null && !message.isBlank()) {
            String line = message.replaceAll("\\s+", " ").strip();
            s.append(": ").append(line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line);
        }
        return s.toString();
    }

    private ScaleSetException fromResponse(Answer a, boolean capacityChange, Throwable cause, String operation, ScaleSetRef ref) {
        String correlation = header(a.headers(), CORRELATION_ID);
        var d = new ScaleSetException.Details(operation, ref.toString(), a.status(), a.code(), correlation, a.detail());
        return switch (classify(a.status(), a.code(), a.detailCodes(), capacityChange)) {
            case CAPACITY_REFUSED -> {
                String refusal = refusal(a.status(), a.code(), a.detailCodes(), capacityChange);
                yield new ScaleSetException.CapacityRefused(d, refusal, reason(refusal), cause);
            }
            case NOT_FOUND -> new ScaleSetException.NotFound(d, cause);
            case CONFLICT -> new ScaleSetException.Conflict(d, cause);
            case THROTTLED -> new ScaleSetException.Throttled(d, retryAfter(a.headers()), cause);
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
        return textOrNull(errorNode(body).path("code"));
    }

    /** The {@code error} object of an ARM error or operation-status body; a missing node if none. */
    static JsonNode errorNode(String body) {
        return root(body).path("error");
    }

    private static JsonNode root(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Every {@code details[].code}, depth first, at most {@link #MAX_DETAILS} (bodies are Azure's, but bounded anyway). */
    static List<String> detailCodes(JsonNode error) {
        List<String> out = new ArrayList<>();
        collect(error.path("details"), out, 0);
        return out;
    }

    private static void collect(JsonNode details, List<String> out, int depth) {
        if (!details.isArray() || depth > 3) {
            return;
        }
        for (JsonNode d : details) {
            if (out.size() >= MAX_DETAILS) {
                return;
            }
            String code = textOrNull(d.path("code"));
            if (code != null) {
                out.add(code);
            }
            collect(d.path("details"), out, depth + 1);
        }
    }

    private static List<String> detailCodes(ManagementError error) {
        List<String> out = new ArrayList<>();
        collect(error == null ? null : error.getDetails(), out, 0);
        return out;
    }

    private static void collect(List<? extends ManagementError> details, List<String> out, int depth) {
        if (details == null || depth > 3) {
            return;
        }
        for (ManagementError d : details) {
            if (out.size() >= MAX_DETAILS) {
                return;
            }
            if (d.getCode() != null) {
                out.add(d.getCode());
            }
            collect(d.getDetails(), out, depth + 1);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    /**
     * Built on the first error body read, not when the adapter is built at start-up: constructing
     * a Jackson mapper loads some 300 classes, ~0.2 s of the start-up thread.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
