package io.vmssrunnerscaler.intake;

import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.sim.WorkflowJobDelivery;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Sends webhook deliveries the way GitHub does, signed with the test profile's secret. */
public final class Deliveries {
    static final String SECRET = "It's a Secret to Everybody";
    private static final WebhookSignature SIGNATURE = new WebhookSignature(SECRET);

    private Deliveries() {}

    public static ValidatableResponse deliver(String event, String body) {
        return deliver(event, body, UUID.randomUUID().toString());
    }

    static ValidatableResponse deliver(String event, String body, String deliveryId) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return given().contentType("application/json")
                .header(GitHubHeaders.EVENT, event)
                .header(GitHubHeaders.DELIVERY, deliveryId)
                .header(GitHubHeaders.SIGNATURE_256, SIGNATURE.sign(bytes))
                .body(bytes)
                .post("/github/webhook").then();
    }

    static String sign(byte[] body) {
        return SIGNATURE.sign(body);
    }

    /** A whole workflow_job payload as GitHub sends it (the simulator's, held to GitHub's webhook schema). */
    public static String workflowJob(String action, long jobId, String runner, String repository, String... labels) {
        WorkflowJob job = new WorkflowJob(action, jobId, List.of(labels), runner, repository, repository.split("/")[0]);
        return new String(WorkflowJobDelivery.body(job), StandardCharsets.UTF_8);
    }
}
