package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * Replaces the SDK's retry policy for ARM requests: each try first waits for budget in
 * {@link ThrottleBudget} (so a burst is spread instead of throttled), gets its own timeout, and is
 * repeated on 429 (after its Retry-After, which also blocks the local bucket), on 408/5xx and on
 * network failures (after an exponential back-off), at most {@code maxAttempts} times in all.
 * Every answer, whatever its status, passes Azure's budget figures and request charge on to the
 * budget ({@link ThrottleBudget#follow}).
 * Waits use timers, never a blocked thread. Sits before the authentication policy so that every
 * try carries a current token.
 */
final class ThrottlingPolicy implements HttpPipelinePolicy {
    private static final Logger LOG = Logger.getLogger(ThrottlingPolicy.class);

    private final ThrottleBudget budget;
    private final AzureScaleSetSettings settings;
    private final Clock clock;

    ThrottlingPolicy(ThrottleBudget budget, AzureScaleSetSettings settings, Clock clock) {
        this.budget = budget;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        HttpRequest original = context.getHttpRequest();
        ArmCall call = ArmCall.classify(original.getHttpMethod().name(), original.getUrl()).orElse(null);
        return attempt(new Exchange(context, next, original, call), 1, Duration.ZERO);
    }

    private record Exchange(HttpPipelineCallContext context, HttpPipelineNextPolicy next, HttpRequest original, ArmCall call) {
    }

    private Mono<HttpResponse> attempt(Exchange x, int n, Duration atLeast) {
        return Mono.defer(() -> {
            Duration wait = atLeast;
            if (x.call() != null) {
                ThrottleBudget.Reservation r = budget.reserve(x.call().scaleSet(), x.call().policy(), settings.maxWait());
                if (!r.granted()) {
                    return Mono.error(localThrottle(x, r.delay()));
                }
                wait = max(wait, r.delay());
            }
            Mono<HttpResponse> send = Mono.defer(() -> {
                x.context().setHttpRequest(x.original().copy()); // a fresh copy per try: later policies edit headers
                return x.next().clone().process();
            }).timeout(settings.attemptTimeout());
            Mono<HttpResponse> delayed = wait.isZero() ? send : Mono.delay(wait).then(send);
            // Decide on the outcome of this try only; the next try's outcome is decided by its own attempt().
            return delayed
                    .map(response -> afterResponse(x, n, response))
                    .onErrorResume(e -> Mono.just(afterError(x, n, e)))
                    .flatMap(Function.identity());
        });
    }

    private Mono<HttpResponse> afterResponse(Exchange x, int n, HttpResponse response) {
        int status = response.getStatusCode();
        if (x.call() != null) {
            budget.follow(x.call().scaleSet(), x.call().policy(), report(response.getHeaders()));
        }
        if (status == 429) {
            Duration retryAfter = RetryAfter.parse(name -> ArmErrors.header(response.getHeaders(), name), clock.instant())
                    .orElse(backoff(n));
            if (x.call() != null) {
                budget.throttled(x.call().scaleSet(), x.call().policy(), retryAfter);
            }
            LOG.infof("%s %s throttled (try %d), Retry-After %d ms, correlation id %s", x.original().getHttpMethod(),
                    describe(x), n, retryAfter.toMillis(), ArmErrors.header(response.getHeaders(), ArmErrors.CORRELATION_ID));
            if (n < settings.maxAttempts() && retryAfter.compareTo(settings.maxWait()) <= 0) {
                return discard(response).then(attempt(x, n + 1, retryAfter));
            }
            return Mono.just(response);
        }
        if (retryableStatus(status) && n < settings.maxAttempts()) {
            LOG.debugf("%s %s answered %d (try %d), retrying", x.original().getHttpMethod(), describe(x), status, n);
            return discard(response).then(attempt(x, n + 1, backoff(n)));
        }
        return Mono.just(response);
    }

    /** Azure's budget figures on an answer; both header shapes (repeated, or comma-joined). */
    static RateLimitHeaders.Report report(HttpHeaders headers) {
        if (headers == null) {
            return RateLimitHeaders.Report.NONE;
        }
        String[] remaining = headers.getValues(HttpHeaderName.fromString(RateLimitHeaders.REMAINING));
        return RateLimitHeaders.parse(remaining == null ? List.of() : Arrays.asList(remaining),
                headers.getValue(HttpHeaderName.fromString(RateLimitHeaders.CHARGE)));
    }

    private Mono<HttpResponse> afterError(Exchange x, int n, Throwable e) {
        if (e instanceof ScaleSetException || !ArmErrors.isNetworkFailure(e) || n >= settings.maxAttempts()) {
            return Mono.error(e);
        }
        LOG.debugf("%s %s failed (try %d): %s, retrying", x.original().getHttpMethod(), describe(x), n, e.getClass().getSimpleName());
        return attempt(x, n + 1, backoff(n));
    }

    /**
     * Reads a response we will not use to its end (error bodies are small), which frees the
     * connection for the next try. Not close(): in azure-core-http-vertx 1.1.4 that can throw
     * NoSuchElementException from Vert.x when the response arrived before the request was ended.
     */
    private static Mono<Void> discard(HttpResponse response) {
        return response.getBody().then().onErrorResume(e -> Mono.empty());
    }

    private ScaleSetException localThrottle(Exchange x, Duration wait) {
        var details = new ScaleSetException.Details(x.original().getHttpMethod().name(), x.call().scaleSet(), 0, null, null,
                "local budget for " + x.call().policy().azureName() + " exhausted");
        return new ScaleSetException.Throttled(details, wait, null);
    }

    private static boolean retryableStatus(int status) {
        return status == 408 || (status >= 500 && status != 501 && status != 505);
    }

    /** firstBackoff, doubled per try, never above maxWait. */
    private Duration backoff(int n) {
        Duration d = settings.firstBackoff().multipliedBy(1L << Math.min(n - 1, 20));
        return d.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : d;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The path only: query strings may carry skip tokens, never worth a log line. */
    private static String describe(Exchange x) {
        return x.original().getUrl().getPath();
    }
}
