package io.vmssrunnerscaler.busy.queue;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.storage.queue.models.QueueErrorCode;
import com.azure.storage.queue.models.QueueStorageException;
import java.io.IOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Translates whatever the SDK and the network throw into {@link QueueStoreException}, by status
 * and error code only (never by message text). The messages built here name the status, the
 * service's error code and at most a host and port: nothing that can hold a key.
 */
final class QueueErrors {
    private static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("x-ms-request-id");
    private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");
    private static final Duration DEFAULT_THROTTLE_WAIT = Duration.ofSeconds(1);

    private QueueErrors() {
    }

    /** Whether the service answered with this error code (e.g. PopReceiptMismatch). */
    static boolean hasCode(Throwable error, QueueErrorCode code) {
        return error instanceof QueueStorageException e && code.equals(e.getErrorCode());
    }

    static QueueStoreException translate(Throwable error) {
        if (error instanceof QueueStoreException known) {
            return known;
        }
        if (error instanceof HttpResponseException http) {
            return fromResponse(http);
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new QueueStoreException.Transient("the queue did not answer in time", null);
            }
            if (t instanceof SocketException || t instanceof UnknownHostException) {
                // These name the host and port at most ("Connection refused: /127.0.0.1:10001").
                return new QueueStoreException.Transient("the queue is unreachable: " + t.getMessage(), null);
            }
            if (t instanceof IOException) {
                return new QueueStoreException.Transient("the queue is unreachable: "
                        + t.getClass().getSimpleName(), null);
            }
        }
        // Vert.x and Netty use their own exception types for closed connections and the like.
        return new QueueStoreException.Transient("queue call failed: " + error.getClass().getSimpleName(), null);
    }

    private static QueueStoreException fromResponse(HttpResponseException error) {
        HttpResponse response = error.getResponse();
        int status = response == null ? 0 : response.getStatusCode();
        String requestId = response == null ? null : response.getHeaderValue(REQUEST_ID);
        String code = errorCode(error, response);
        String what = status + (code == null ? "" : " " + code);
        if (status == 401 || status == 403) {
            return new QueueStoreException.Unauthorized("the queue refused the credentials: " + what, requestId);
        }
        if (status == 429 || status == 503) {
            return new QueueStoreException.Throttled("the queue is busy: " + what, retryAfter(response), requestId);
        }
        if (status == 408 || status >= 500 || status == 0
                || QueueErrorCode.QUEUE_NOT_FOUND.toString().equals(code)) {
            // A missing queue is re-created on the next attempt (QueueConnection), so it is transient.
            return new QueueStoreException.Transient("the queue failed: " + what, requestId);
        }
        return new QueueStoreException.Rejected("the queue rejected the request: " + what, requestId);
    }

    private static String errorCode(HttpResponseException error, HttpResponse response) {
        if (error instanceof QueueStorageException q && q.getErrorCode() != null) {
            return q.getErrorCode().toString();
        }
        return response == null ? null : response.getHeaderValue(ERROR_CODE);
    }

    private static Duration retryAfter(HttpResponse response) {
        String value = response == null ? null : response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
        if (value == null) {
            return DEFAULT_THROTTLE_WAIT;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return DEFAULT_THROTTLE_WAIT; // an HTTP date: rare for storage, not worth parsing
        }
    }
}
