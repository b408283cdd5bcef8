package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.Locale;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Keeps the latest answer to a long-running operation's status poll
 * ({@code GET .../providers/Microsoft.Compute/locations/{loc}/operations/{id}}) for the call that
 * polls it. azure-core-management ends a poll that Compute answered {@code "Canceled"} as
 * {@code USER_CANCELLED} without an error and without the body, so the {@code error} that Compute
 * sends with it (e.g. {@code OperationPreempted}) would be lost; with this, the adapter still reports
 * Azure's code, message and correlation id.
 *
 * <p>The call puts a {@link Last} into its Reactor context under {@link #CONTEXT_KEY}; azure-core
 * hands Reactor context entries to the pipeline's call context, where {@link Policy} finds it.
 * Requests without one pass through untouched.
 */
final class OperationStatusRecorder {
    static final String CONTEXT_KEY = "vmss-runner-scaler.operation-status";
    private static final Pattern STATUS_PATH = Pattern.compile(".*/providers/microsoft\\.compute/locations/[^/]+/operations/[^/]+/?");
    /** Compute's status bodies are a few hundred bytes; more is not kept. */
    private static final int MAX_BODY = 64 * 1024;

    private OperationStatusRecorder() {
    }

    /** The latest status poll of one call: HTTP status, headers and body (null until a poll was answered). */
    static final class Last {
        private volatile Answer answer;

        record Answer(int status, HttpHeaders headers, String body) {
        }

        Answer answer() {
            return answer;
        }

        void record(int status, HttpHeaders headers, String body) {
            answer = new Answer(status, headers, body);
        }
    }

    /** The pipeline policy that fills the {@link Last} of the call in the context. */
    static final class Policy implements HttpPipelinePolicy {
        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            Object last = context.getData(CONTEXT_KEY).orElse(null);
            if (!(last instanceof Last recorder) || !isStatusPoll(context.getHttpRequest())) {
                return next.process();
            }
            return next.process().flatMap(response -> {
                HttpResponse buffered = response.buffer(); // the SDK reads the body after us
                return buffered.getBodyAsString().defaultIfEmpty("").map(body -> {
                    recorder.record(buffered.getStatusCode(), buffered.getHeaders(),
                            body.length() > MAX_BODY ? null : body);
                    return buffered;
                });
            });
        }

        private static boolean isStatusPoll(HttpRequest request) {
            return "GET".equals(request.getHttpMethod().name())
                    && STATUS_PATH.matcher(request.getUrl().getPath().toLowerCase(Locale.ROOT)).matches();
        }
    }
}
