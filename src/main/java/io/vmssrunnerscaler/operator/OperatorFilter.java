package io.vmssrunnerscaler.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vmssrunnerscaler.intake.IntakeAnswer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Puts {@link OperatorGate} in front of every route of the HTTP server - the JAX-RS resources and
 * Quarkus' own ({@code /q/metrics}) alike - as a Vert.x filter, so nothing reaches an operator
 * endpoint without the operator token. Refusals are answered with the intake's JSON shape and
 * counted in {@code scaler_operator_refusals_total{reason}}; the token itself is never logged.
 */
@ApplicationScoped
public class OperatorFilter {
    /** Ahead of Quarkus' own filters: a refused request costs nothing more. */
    static final int PRIORITY = 1000;

    private final OperatorToken token;
    private final Map<OperatorGate.Refusal, String> bodies = new EnumMap<>(OperatorGate.Refusal.class);
    private final Map<OperatorGate.Refusal, Counter> refusals = new EnumMap<>(OperatorGate.Refusal.class);

    OperatorFilter(OperatorToken token, ObjectMapper json, MeterRegistry metrics) throws JsonProcessingException {
        this.token = token;
        for (OperatorGate.Refusal r : OperatorGate.Refusal.values()) {
            bodies.put(r, json.writeValueAsString(new IntakeAnswer(r.outcome(), null, r.reason())));
            refusals.put(r, metrics.counter("scaler.operator.refusals", "reason", r.tag()));
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        Optional<OperatorGate.Refusal> refusal = OperatorGate.check(rc.normalizedPath(), peer(request),
                request.getHeader(HttpHeaders.AUTHORIZATION), token);
        if (refusal.isEmpty()) {
            rc.next();
            return;
        }
        OperatorGate.Refusal r = refusal.get();
        refusals.get(r).increment();
        var response = rc.response().setStatusCode(r.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (r.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        } else if (r.status() == 503) {
            response.putHeader("Retry-After", "5");
        }
        response.end(bodies.get(r));
    }

    /** The TCP peer, never a forwarded-for header: a proxy's headers are the caller's to choose. */
    private static String peer(HttpServerRequest request) {
        SocketAddress peer = request.connection() == null ? null : request.connection().remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }
}
