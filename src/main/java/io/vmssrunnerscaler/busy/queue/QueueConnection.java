package io.vmssrunnerscaler.busy.queue;

import com.azure.core.http.HttpClient;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueAsyncClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueErrorCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The queue client, built on first use rather than at start (the first Azure client costs about
 * 0.3 s: docs/PROTOCOLS.md, "Cost of the first Azure client") and off the caller's thread, which may
 * be an event loop. A queue that does not exist is created when a request finds it missing, so an
 * identity that may only handle messages works against a queue created by the deployment.
 */
final class QueueConnection {
    private final QueueAccess access;
    private final QueueStoreSettings settings;
    private final Vertx vertx;
    private volatile QueueAsyncClient client;

    /** @param vertx the application's Vert.x, or null for the SDK's shared one */
    QueueConnection(QueueAccess access, QueueStoreSettings settings, Vertx vertx) {
        this.access = access;
        this.settings = settings;
        this.vertx = vertx;
    }

    /** One attempt of {@code request}; if the queue is missing, creates it and tries once more. */
    <T> Mono<T> attempt(Function<QueueAsyncClient, Mono<T>> request) {
        return client().flatMap(c -> {
            Mono<T> once = Mono.defer(() -> request.apply(c));
            return once.onErrorResume(e -> QueueErrors.hasCode(e, QueueErrorCode.QUEUE_NOT_FOUND),
                    e -> c.createIfNotExists().then(once));
        });
    }

    private Mono<QueueAsyncClient> client() {
        QueueAsyncClient built = client;
        return built != null
                ? Mono.just(built)
                : Mono.fromCallable(this::build).subscribeOn(Schedulers.boundedElastic());
    }

    private synchronized QueueAsyncClient build() {
        if (client == null) {
            QueueClientBuilder builder = new QueueClientBuilder()
                    .queueName(settings.queueName())
                    .httpClient(httpClient())
                    // One try per SDK call: CallPolicy retries, with its own back-off and accounting.
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Duration) null, null, null, null));
            access.applyTo(builder);
            try {
                client = builder.buildAsyncClient();
            } catch (RuntimeException e) {
                // A configuration problem; the SDK's text is not passed on, it may quote the settings.
                throw new QueueStoreException.Rejected("cannot build the queue client: " + e.getClass().getSimpleName(),
                        null);
            }
        }
        return client;
    }

    private HttpClient httpClient() {
        // Always explicit: with several HTTP client libraries present the SDK would pick Netty.
        VertxHttpClientBuilder builder = new VertxHttpClientBuilder()
                .connectTimeout(settings.attemptTimeout())
                .responseTimeout(settings.attemptTimeout())
                .readTimeout(settings.attemptTimeout())
                .writeTimeout(settings.attemptTimeout());
        if (vertx != null) {
            builder.vertx(vertx);
        }
        return builder.build();
    }
}
