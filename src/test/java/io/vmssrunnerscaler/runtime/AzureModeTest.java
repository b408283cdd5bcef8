package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.queue.QueueBusyStore;
import io.vmssrunnerscaler.busy.queue.QueueStoreSettings;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.intake.Attested;
import io.vmssrunnerscaler.sim.WorkflowJobDelivery;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The whole service in azure mode, through the real Azure SDK and REST client, against the local
 * HTTPS fakes of Resource Manager, Key Vault and GitHub and a real Azurite: secrets from the
 * vault, the scale set listed and grown, a runner configured and marked busy in the queue.
 */
@QuarkusTest
@TestProfile(AzureModeProfile.class)
class AzureModeTest {
    @Inject
    ScalerRuntime runtime;

    @Test
    void aQueuedJobGrowsTheScaleSetAndItsRunnerIsConfiguredAndMarkedBusy() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        AzureWorld.operator().get("/pools/linux").then().statusCode(200).body("instances.size()", equalTo(1))
                .body("instances[0].name", startsWith("linux"));

        byte[] body = WorkflowJobDelivery.body(new WorkflowJob("queued", 4242, List.of("linux"), null, "octo-org/app", "octo-org"));
        given().contentType("application/json").header(GitHubHeaders.EVENT, "workflow_job")
                .header(GitHubHeaders.DELIVERY, UUID.randomUUID().toString())
                .header(GitHubHeaders.SIGNATURE_256, new WebhookSignature(AzureWorld.WEBHOOK_SECRET).sign(body))
                .body(body).post("/github/webhook").then().statusCode(202).body("outcome", equalTo("accepted"));

        // one queued job with 25 % free: desired 2, so the scale set grows by one instance
        await().atMost(Duration.ofSeconds(30)).until(() -> AzureWorld.arm.counters().writes().stream()
                .anyMatch(w -> w.capacity() != null && w.capacity() == 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> state().instances().size() == 2);
        String name = state().instances().values().stream().filter(i -> i.phase() == Phase.PROVISIONING)
                .reduce((a, b) -> b).orElseThrow().name();

        String sibling = AzureWorld.scaleSet.instances().stream().filter(i -> !i.computerName().equals(name))
                .findFirst().orElseThrow().vmId();
        Attested.jitconfig(name, sibling, AzureWorld.SUBSCRIPTION).statusCode(403).body("outcome", equalTo("wrong-instance"));
        Attested.jitconfig(name, vmId(name), "11111111-2222-3333-4444-555555555555").statusCode(403)
                .body("outcome", equalTo("wrong-instance"));
        assertTrue(!AzureWorld.gitHub.hasRunner("octo-org/app", name), "a refused proof created a runner at GitHub");
        String token = Attested.jitconfig(name, vmId(name), AzureWorld.SUBSCRIPTION).statusCode(200)
                .body("runnerName", equalTo(name)).extract().path("hookToken");
        assertTrue(AzureWorld.gitHub.hasRunner("octo-org/app", name), "the JIT runner was not created at GitHub");
        given().header("Authorization", "Bearer " + token).post("/runners/" + name + "/job-started").then().statusCode(202);

        QueueBusyStore queue = new QueueBusyStore(AzureWorld.azurite.connectionString(),
                QueueStoreSettings.defaults(runtime.config().azure().queue().name()));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.loadAll().await().atMost(Duration.ofSeconds(10)).busy().stream()
                .map(BusyMarker::runnerName).toList().contains(name));
        assertEquals(0, AzureWorld.arm.counters().throttled(), "the fake ARM answered 429");
    }

    private io.vmssrunnerscaler.engine.PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }

    /** Azure's id of the VM behind the instance named so, as the fake ARM lists it. */
    private static String vmId(String computerName) {
        return AzureWorld.scaleSet.instances().stream().filter(i -> i.computerName().equals(computerName)).findFirst()
                .orElseThrow().vmId();
    }
}
