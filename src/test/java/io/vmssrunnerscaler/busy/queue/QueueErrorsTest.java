package io.vmssrunnerscaler.busy.queue;

import io.vmssrunnerscaler.fakes.StubAzureResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.storage.queue.models.QueueErrorCode;
import com.azure.storage.queue.models.QueueStorageException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Translation by status and error code, never by text; messages carry no request details. */
class QueueErrorsTest {
    private static final String SECRET_IN_TEXT = "signature over AccountKey=c2VjcmV0 did not match";

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(403, "AuthorizationPermissionMismatch", QueueStoreException.Unauthorized.class),
                Arguments.of(401, null, QueueStoreException.Unauthorized.class),
                Arguments.of(503, "ServerBusy", QueueStoreException.Throttled.class),
                Arguments.of(429, null, QueueStoreException.Throttled.class),
                Arguments.of(500, "InternalError", QueueStoreException.Transient.class),
                Arguments.of(500, "OperationTimedOut", QueueStoreException.Transient.class),
                Arguments.of(408, null, QueueStoreException.Transient.class),
                Arguments.of(404, "QueueNotFound", QueueStoreException.Transient.class),
                Arguments.of(400, "PopReceiptMismatch", QueueStoreException.Rejected.class),
                Arguments.of(400, "InvalidQueryParameterValue", QueueStoreException.Rejected.class));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void anAnswerIsTranslatedByStatusAndCode(int status, String code, Class<? extends QueueStoreException> kind) {
        QueueStoreException e = QueueErrors.translate(
                new QueueStorageException(SECRET_IN_TEXT, response(status, code, null), null));

        assertInstanceOf(kind, e);
        assertEquals("req-1", e.requestId().orElseThrow());
        assertTrue(e.getMessage().contains(String.valueOf(status)), e.getMessage());
        assertFalse(e.getMessage().contains("AccountKey"), e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void throttlingCarriesTheServicesRetryAfter() {
        QueueStoreException e = QueueErrors.translate(
                new QueueStorageException("busy", response(503, "ServerBusy", "7"), null));
        assertEquals(Duration.ofSeconds(7), ((QueueStoreException.Throttled) e).retryAfter());
        assertTrue(e.retryable());
    }

    @Test
    void expectedRefusalsAreRecognisedByCode() {
        QueueStorageException stale = new QueueStorageException("x", response(400, "PopReceiptMismatch", null), null);
        assertTrue(QueueErrors.hasCode(stale, QueueErrorCode.POP_RECEIPT_MISMATCH));
        assertFalse(QueueErrors.hasCode(stale, QueueErrorCode.MESSAGE_NOT_FOUND));
        assertFalse(QueueErrors.hasCode(new IllegalStateException("PopReceiptMismatch"),
                QueueErrorCode.POP_RECEIPT_MISMATCH));
    }

    @Test
    void networkFailuresAndTimeoutsAreTransient() {
        QueueStoreException refused = QueueErrors.translate(
                new RuntimeException("wrapped", new ConnectException("Connection refused: /127.0.0.1:1")));
        assertInstanceOf(QueueStoreException.Transient.class, refused);
        assertTrue(refused.getMessage().contains("unreachable"), refused.getMessage());
        assertInstanceOf(QueueStoreException.Transient.class, QueueErrors.translate(new TimeoutException()));
        assertInstanceOf(QueueStoreException.Transient.class,
                QueueErrors.translate(new IllegalStateException(SECRET_IN_TEXT)));
        assertFalse(QueueErrors.translate(new IllegalStateException(SECRET_IN_TEXT)).getMessage().contains("AccountKey"));
    }

    private static HttpResponse response(int status, String code, String retryAfter) {
        HttpHeaders headers = new HttpHeaders().set("x-ms-request-id", "req-1");
        if (code != null) {
            headers.set("x-ms-error-code", code);
        }
        if (retryAfter != null) {
            headers.set("Retry-After", retryAfter);
        }
        return StubAzureResponse.of("http://127.0.0.1/devstoreaccount1/q", status, headers);
    }
}
