package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.shell.IntakeOutcome;
import io.vmssrunnerscaler.shell.JobIntake;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /github/webhook}: verifies the signature over the raw bytes before anything else,
 * drops redeliveries, routes {@code workflow_job} to its pool, and answers at once; the pool's
 * loop does the work.
 */
@Path("/github/webhook")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {
    private final JobIntake intake;
    private final IntakeKeys keys;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final long maxBody;
    private final boolean enabled;
    private final DeliveryLog deliveries;

    WebhookResource(JobIntake intake, IntakeKeys keys, ObjectMapper json, MeterRegistry metrics, WebhookSettings settings) {
        this.intake = intake;
        this.keys = keys;
        this.json = json;
        this.metrics = metrics;
        this.maxBody = settings.maxBody();
        this.enabled = settings.enabled();
        this.deliveries = new DeliveryLog(settings.deliveryCacheSize(), settings.deliveryCacheTtl());
        metrics.gauge("scaler.webhook.delivery.cache.size", deliveries, DeliveryLog::size);
    }

    @POST
    @NonBlocking
    public Response deliver(@HeaderParam("Content-Type") String contentType,
            @HeaderParam(GitHubHeaders.EVENT) String event,
            @HeaderParam(GitHubHeaders.DELIVERY) String delivery,
            @HeaderParam(GitHubHeaders.SIGNATURE_256) String signatureHeader,
            byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (!enabled) {
            return answer(Response.Status.NOT_FOUND, "disabled", "webhooks are switched off (scaler.github.webhooks-enabled=false)");
        }
        if (bytes.length > maxBody) {
            return answer(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "body of " + bytes.length + " bytes exceeds the limit of " + maxBody);
        }
        Optional<WebhookSignature> signature = keys.webhookSignature();
        if (signature.isEmpty()) {
            return keys.fromVault()
                    ? answer(Response.Status.SERVICE_UNAVAILABLE, "starting", "the webhook secret has not been read from Key Vault yet")
                    : answer(Response.Status.UNAUTHORIZED, "unverifiable", "no webhook secret is configured");
        }
        if (signatureHeader == null) {
            return answer(Response.Status.UNAUTHORIZED, "unsigned", GitHubHeaders.SIGNATURE_256 + " is missing");
        }
        if (!signature.get().matches(signatureHeader, bytes)) {
            return answer(Response.Status.UNAUTHORIZED, "bad-signature", GitHubHeaders.SIGNATURE_256 + " does not match the body");
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON)) {
            return answer(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "content type must be application/json (set it in the webhook's settings), got " + contentType);
        }
        if (event == null || event.isBlank() || delivery == null || delivery.isBlank() || delivery.length() > 100) {
            return answer(Response.Status.BAD_REQUEST, "malformed",
                    GitHubHeaders.EVENT + " and " + GitHubHeaders.DELIVERY + " (at most 100 characters) are required");
        }
        return switch (event) {
            case "ping" -> answer(Response.Status.OK, "pong", null);
            case "workflow_job" -> workflowJob(delivery, bytes);
            default -> answer(Response.Status.ACCEPTED, "ignored", "event " + event + " needs nothing");
        };
    }

    private Response workflowJob(String delivery, byte[] body) {
        WorkflowJobPayload payload;
        try {
            payload = json.readValue(body, WorkflowJobPayload.class);
        } catch (JsonProcessingException e) {
            return answer(Response.Status.BAD_REQUEST, "malformed", "body is not a workflow_job payload: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return answer(Response.Status.BAD_REQUEST, "malformed", "body could not be read");
        }
        List<String> missing = payload == null ? List.of("(empty body)") : payload.missingFields();
        if (!missing.isEmpty()) {
            return answer(Response.Status.BAD_REQUEST, "malformed", "missing fields: " + String.join(", ", missing));
        }
        if (!deliveries.firstTime(delivery)) {
            return answer(Response.Status.OK, "duplicate", "delivery " + delivery + " was already handled");
        }
        IntakeOutcome outcome = intake.workflowJob(payload.toWorkflowJob());
        IntakeAnswer answer = IntakeAnswer.of(outcome);
        count(answer.outcome());
        if (outcome instanceof IntakeOutcome.Overloaded) {
            deliveries.forget(delivery); // not acted on: a redelivery must be taken
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "5").entity(answer).build();
        }
        return Response.status(Response.Status.ACCEPTED).entity(answer).build();
    }

    private Response answer(Response.Status status, String outcome, String reason) {
        count(outcome);
        return Response.status(status).entity(new IntakeAnswer(outcome, null, reason)).build();
    }

    private void count(String outcome) {
        metrics.counter("scaler.webhook.deliveries", "outcome", outcome).increment();
    }
}
