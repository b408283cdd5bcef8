package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Sends one GitHub call with everything around it: the rate-limit gate, the bearer token, a
 * deadline per exchange, translation of failures, a single re-authentication after 401, bounded
 * waits after rate-limit answers and bounded retries of transient failures.
 */
final class GitHubCaller {
    private static final Logger LOG = Logger.getLogger(GitHubCaller.class);

    private final GitHubCredentials credentials;
    private final RateLimitGate gate;
    private final GitHubSettings settings;
    private final Clock clock;

    GitHubCaller(GitHubCredentials credentials, RateLimitGate gate, GitHubSettings settings, Clock clock) {
        this.credentials = credentials;
        this.gate = gate;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param call names the call in messages ({@code METHOD /path}); no secrets
     * @param send sends the request with the given {@code Authorization} header value
     * @return the 2xx answer; fails with a {@link GitHubException} otherwise
     */
    Uni<Response> call(String call, Function<String, Uni<Response>> send) {
        return attempt(new Call(call, send, true), new Tries(1, 0, false));
    }

    /**
     * Like {@link #call}, for a request that must not take effect twice (a re-run: a second one
     * would start yet another attempt once the first is done). It is sent again only when GitHub
     * certainly did not act on it: after a rate-limit answer or a 401, which GitHub gives before it
     * looks at the request, or when the gate held it back. A 5xx, a 408 or no answer within the
     * deadline may come after GitHub acted, so the call fails with {@link GitHubException.Transient}
     * after that one exchange, and the caller finds out what happened before it asks again.
     */
    Uni<Response> callOnce(String call, Function<String, Uni<Response>> send) {
        return attempt(new Call(call, send, false), new Tries(1, 0, false));
    }

    /** @param resendable whether a transient failure may be answered by sending the request again */
    private record Call(String name, Function<String, Uni<Response>> send, boolean resendable) {}

    /** How far one call got: transient tries, rate-limit retries, whether it re-authenticated. */
    private record Tries(int attempt, int throttled, boolean reauthenticated) {}

    private Uni<Response> attempt(Call call, Tries tries) {
        return gate.pass(call.name(), settings.maxRateLimitWait())
                .chain(credentials::token)
                .chain(token -> exchange(call, token))
                .onFailure(GitHubException.class)
                .recoverWithUni(e -> retryOrFail(call, tries, (GitHubException) e));
    }

    private Uni<Response> exchange(Call call, String token) {
        Duration timeout = settings.requestTimeout();
        return call.send().apply("Bearer " + token)
                .ifNoItem().after(timeout)
                .failWith(() -> new GitHubException.Transient(call.name(), "no answer within " + timeout, null))
                .onFailure(e -> !(e instanceof GitHubException))
                .transform(e -> new GitHubException.Transient(call.name(), "no answer (" + e.getClass().getSimpleName() + ")", e))
                .chain(response -> check(call, response));
    }

    private Uni<Response> check(Call call, Response response) {
        ResponseHeaders headers = ResponseHeaders.of(response);
        gate.observe(headers);
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            gate.succeeded();
            return Uni.createFrom().item(response);
        }
        String message = status == 403 ? errorMessage(response) : null;
        response.close();
        return Uni.createFrom().failure(ErrorTranslator.translate(call.name(), status, headers, message, clock.instant()));
    }

    /** GitHub's error {@code message}, or null when the body is not GitHub's error shape. */
    private static String errorMessage(Response response) {
        try {
            JsonNode message = GitHubJson.body(response).get("message");
            return message == null || !message.isTextual() ? null : message.asText();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Uni<Response> retryOrFail(Call call, Tries tries, GitHubException e) {
        if (e instanceof GitHubException.Unauthorized && e.status() == 401 && !tries.reauthenticated()) {
            LOG.debugf("%s: 401, renewing the credential and trying once more", call.name());
            credentials.invalidate();
            return attempt(call, new Tries(tries.attempt(), tries.throttled(), true));
        }
        if (e instanceof GitHubException.RateLimited limited && e.status() != 0) {
            // GitHub's limits are per credential: every call waits, not only this one.
            GitHubException.RateLimited closed = limited.until(gate.close(limited));
            Duration wait = gate.pending();
            if (tries.throttled() < settings.maxThrottledRetries() && wait.compareTo(settings.maxRateLimitWait()) <= 0) {
                LOG.debugf("%s: rate limited, waiting %s", call.name(), wait);
                return attempt(call, new Tries(tries.attempt(), tries.throttled() + 1, tries.reauthenticated()));
            }
            if (closed.limit() != GitHubException.RateLimited.Limit.PRIMARY) {
                LOG.warnf("%s: GitHub's secondary rate limit; nothing is sent with this credential until %s",
                        call.name(), closed.until());
            }
            return Uni.createFrom().failure(closed);
        }
        if (e instanceof GitHubException.Transient && call.resendable() && tries.attempt() < settings.maxAttempts()) {
            Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(tries.attempt() - 1, 10));
            LOG.debugf("%s failed (%s), try %d of %d in %s", call.name(), e.getMessage(), tries.attempt() + 1,
                    settings.maxAttempts(), backoff);
            return Uni.createFrom().voidItem().onItem().delayIt().by(backoff)
                    .chain(() -> attempt(call, new Tries(tries.attempt() + 1, tries.throttled(), tries.reauthenticated())));
        }
        return Uni.createFrom().failure(e);
    }
}
