package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads GitHub's JSON answers into the port's records. Through {@link JsonNode} rather than
 * mapped classes: only a few fields matter, and nothing needs registering for reflection.
 */
final class GitHubJson {
    private GitHubJson() {}

    static JsonNode body(Response response) {
        return response.readEntity(JsonNode.class);
    }

    static RunnerInfo runner(JsonNode runner) {
        Set<String> labels = new LinkedHashSet<>();
        runner.path("labels").forEach(label -> labels.add(label.path("name").asText()));
        return new RunnerInfo(runner.path("id").asLong(), runner.path("name").asText(),
                "online".equals(runner.path("status").asText()), runner.path("busy").asBoolean(), labels);
    }

    static RunnerConfig jitConfig(JsonNode body) {
        return new RunnerConfig(body.path("runner").path("id").asLong(), required(body, "encoded_jit_config"));
    }

    static RegistrationToken registrationToken(JsonNode body) {
        return new RegistrationToken(required(body, "token"), expiresAt(body));
    }

    /** {@code {token, expires_at}}: installation and registration tokens look alike. */
    static InstallationToken installationToken(JsonNode body) {
        return new InstallationToken(required(body, "token"), expiresAt(body));
    }

    static JobInfo job(JsonNode job) {
        return new JobInfo(job.path("id").asLong(), job.path("run_id").asLong(0), job.path("status").asText(null),
                text(job, "conclusion"), text(job, "runner_name"));
    }

    /** {@code run_attempt} is optional in GitHub's description; a run without one is on its first attempt. */
    static RunInfo run(JsonNode run) {
        return new RunInfo(run.path("id").asLong(), text(run, "status"), text(run, "conclusion"),
                run.path("run_attempt").asInt(1));
    }

    /** One element of a webhook's delivery listing. */
    static HookDelivery hookDelivery(JsonNode delivery) {
        return new HookDelivery(delivery.path("id").asLong(), required(delivery, "guid"),
                OffsetDateTime.parse(required(delivery, "delivered_at")).toInstant(), delivery.path("redelivery").asBoolean(),
                delivery.path("status_code").asInt(0), required(delivery, "event"), text(delivery, "action"));
    }

    private static Instant expiresAt(JsonNode body) {
        return OffsetDateTime.parse(required(body, "expires_at")).toInstant();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Fails without echoing the body, which may hold a secret. */
    private static String required(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("GitHub's answer has no " + field);
        }
        return value;
    }
}
