package io.vmssrunnerscaler.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vmssrunnerscaler.intake.IntakeAnswer;
import io.vmssrunnerscaler.shell.AdminOutcome;
import io.vmssrunnerscaler.shell.PoolAdmin;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The operator's runtime controls: pause, resume, override the sizing, drain an instance. Behind the
 * operator token like every path that is not explicitly open ({@link OperatorGate}). Each request,
 * applied or not, leaves one audit line (logger {@code io.vmssrunnerscaler.audit}) saying who, from
 * where, what and how it ended. Kept until the process restarts or the operator resets it.
 */
@Path("/admin/pools/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
    private static final Logger AUDIT = Logger.getLogger("io.vmssrunnerscaler.audit");
    /** Who the caller says they are: one shared token cannot tell operators apart, so they name themselves. */
    static final String ACTOR_HEADER = "X-Scaler-Operator";
    private static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    private static final int MAX_BODY = 1024;

    private final PoolAdmin admin;
    private final ObjectReader overrides;

    AdminResource(PoolAdmin admin, ObjectMapper json) {
        this.admin = admin;
        this.overrides = json.readerFor(Overrides.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** The body of {@code PUT .../overrides}: each absent (or null) is not overridden. */
    public record Overrides(Integer min, Integer max, Integer minIdle) {}

    @POST
    @Path("/pause")
    public Uni<Response> pause(@PathParam("name") String name, @HeaderParam(ACTOR_HEADER) String actor,
            @Context HttpServerRequest request) {
        return audited("pause", name, actor, request, admin.pause(name, true));
    }

    @POST
    @Path("/resume")
    public Uni<Response> resume(@PathParam("name") String name, @HeaderParam(ACTOR_HEADER) String actor,
            @Context HttpServerRequest request) {
        return audited("resume", name, actor, request, admin.pause(name, false));
    }

    @PUT
    @Path("/overrides")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> override(@PathParam("name") String name, @HeaderParam(ACTOR_HEADER) String actor,
            @Context HttpServerRequest request, String body) {
        Overrides o;
        try {
            o = parse(body);
        } catch (IllegalArgumentException e) {
            return audited("override", name, actor, request,
                    Uni.createFrom().item(new AdminOutcome.Invalid(e.getMessage())));
        }
        String what = "override min=" + o.min() + " max=" + o.max() + " minIdle=" + o.minIdle();
        return audited(what, name, actor, request, admin.override(name, o.min(), o.max(), o.minIdle()));
    }

    @DELETE
    @Path("/overrides")
    public Uni<Response> reset(@PathParam("name") String name, @HeaderParam(ACTOR_HEADER) String actor,
            @Context HttpServerRequest request) {
        return audited("reset overrides", name, actor, request, admin.override(name, null, null, null));
    }

    @POST
    @Path("/instances/{instanceId}/drain")
    public Uni<Response> drain(@PathParam("name") String name, @PathParam("instanceId") String instanceId,
            @HeaderParam(ACTOR_HEADER) String actor, @Context HttpServerRequest request) {
        return audited("drain instance " + (instanceId != null && instanceId.matches("[0-9]{1,10}") ? instanceId : "(invalid)"),
                name, actor, request, admin.drain(name, instanceId));
    }

    private Overrides parse(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("a JSON object with min, max or minIdle is needed (DELETE resets them)");
        }
        if (body.length() > MAX_BODY) {
            throw new IllegalArgumentException("the body is at most " + MAX_BODY + " characters");
        }
        try {
            Overrides o = overrides.readValue(body);
            if (o == null || o.min() == null && o.max() == null && o.minIdle() == null) {
                throw new IllegalArgumentException("give at least one of min, max, minIdle (DELETE resets them)");
            }
            return o;
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body; say only where it went wrong.
            throw new IllegalArgumentException("the body is not an object of integers min, max, minIdle ("
                    + e.getOriginalMessage().replaceAll("[\\r\\n].*", "").replaceAll("\"[^\"]*\"", "\"...\"") + ")");
        }
    }

    private Uni<Response> audited(String action, String name, String actor, HttpServerRequest request,
            Uni<AdminOutcome> outcome) {
        String who = actor != null && ACTOR.matcher(actor).matches() ? actor : "operator";
        String source = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String pool = name != null && name.length() <= 200 ? name : "(invalid)";
        return outcome.map(o -> {
            Answer a = Answer.of(o);
            MDC.put("actor", who);
            MDC.put("source", source);
            MDC.put("action", action);
            MDC.put("pool", pool);
            try {
                AUDIT.infof("audit: %s from %s: %s %s -> %s: %s", who, source, action, pool, a.outcome(), a.reason());
            } finally {
                MDC.remove("actor");
                MDC.remove("source");
                MDC.remove("action");
                MDC.remove("pool");
            }
            return Response.status(a.status()).entity(new IntakeAnswer(a.outcome(), pool, a.reason())).build();
        });
    }

    /** An outcome as HTTP: status, outcome word and reason. */
    private record Answer(int status, String outcome, String reason) {
        static Answer of(AdminOutcome o) {
            if (o instanceof AdminOutcome.Done d) {
                return new Answer(200, "done", d.what());
            } else if (o instanceof AdminOutcome.NotFound n) {
                return new Answer(404, "not-found", n.reason());
            } else if (o instanceof AdminOutcome.Invalid i) {
                return new Answer(400, "invalid", i.reason());
            } else if (o instanceof AdminOutcome.Refused r) {
                return new Answer(409, "refused", r.reason());
            } else if (o instanceof AdminOutcome.Unavailable u) {
                return new Answer(503, "unavailable", u.reason());
            }
            // Java 17 has no exhaustive switch over a sealed type: a new outcome must not pass unseen.
            throw new IllegalArgumentException("unhandled admin outcome " + o);
        }
    }
}
