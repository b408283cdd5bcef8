package io.vmssrunnerscaler.fakes.arm;

import io.vmssrunnerscaler.fakes.arm.FakeHttp.Answer;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-running operations as Compute reports them: an Azure-AsyncOperation URL answering
 * {@code {"status":"InProgress"|"Succeeded"|"Failed"|"Canceled"}} (Compute's OperationStatusResponse;
 * Failed and Canceled carry {@code error}), and a Location URL ({@code monitor=true}) answering 202
 * until done, then 200, or the error. An operation is done when its due time has passed.
 */
final class FakeOperations {
    /** {@code end} is null when the operation succeeds. */
    private record Operation(Instant started, Instant due, FakeFaults.OperationEnd end) {
        FakeArmError failure() {
            return end == null ? null : end.error();
        }
    }

    private final FakeArmOptions options;
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();

    FakeOperations(FakeArmOptions options) {
        this.options = options;
    }

    /** Registers an operation and puts its status URLs (and Retry-After) on the answer. */
    Answer start(Answer answer, URI base, String subscription, Instant due, FakeFaults.OperationEnd end, boolean withLocation) {
        String id = UUID.randomUUID().toString();
        operations.put(id, new Operation(options.clock().instant(), due, end));
        String status = base + "subscriptions/" + subscription + "/providers/Microsoft.Compute/locations/"
                + options.location() + "/operations/" + id + "?api-version=" + FakeArm.API_VERSION;
        answer.header("Azure-AsyncOperation", status);
        if (withLocation) {
            answer.header("Location", status + "&monitor=true");
        }
        return retryAfter(answer);
    }

    Answer status(String id, boolean monitor) {
        Operation op = operations.get(id);
        if (op == null) {
            throw new FakeArmError(404, "NotFound", "no operation " + id);
        }
        boolean done = !op.due().isAfter(options.clock().instant());
        if (monitor) {
            if (!done) {
                return retryAfter(Answer.of(202, null));
            }
            return op.failure() == null ? Answer.of(200, null) : Answer.of(400, Map.of("error", op.failure().error()));
        }
        // Compute's operation status: {"startTime","endTime"?,"status","error"?,"name"}
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("startTime", op.started().toString());
        if (done) {
            body.put("endTime", op.due().toString());
        }
        body.put("status", !done ? "InProgress" : op.end() == null ? "Succeeded" : op.end().status());
        if (done && op.failure() != null) {
            body.put("error", op.failure().error());
        }
        body.put("name", id);
        return done ? Answer.of(200, body) : retryAfter(Answer.of(200, body));
    }

    private Answer retryAfter(Answer answer) {
        if (!options.lroRetryAfter().isZero()) {
            answer.header("Retry-After", Long.toString(Math.max(1, options.lroRetryAfter().toSeconds())));
        }
        return answer;
    }
}
