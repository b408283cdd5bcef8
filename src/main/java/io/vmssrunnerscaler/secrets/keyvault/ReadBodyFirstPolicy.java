package io.vmssrunnerscaler.secrets.keyvault;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

/**
 * Reads each response body in full before the SDK's policies see the response. The Key Vault
 * policy closes the unread 401 of the challenge; closing an unread azure-core-http-vertx 1.1.4
 * response on Vert.x 4.5 ends the request a second time and fails with NoSuchElementException
 * in {@code Http1xClientConnection.endRequest}. A read response closes without touching the
 * connection. Bodies here are a few hundred bytes.
 */
final class ReadBodyFirstPolicy implements HttpPipelinePolicy {

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().flatMap(response -> {
            HttpResponse buffered = response.buffer();
            return buffered.getBodyAsByteArray().then(Mono.just(buffered));
        });
    }

    /** After the credential policy, so that it sees the challenge already read. */
    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }
}
