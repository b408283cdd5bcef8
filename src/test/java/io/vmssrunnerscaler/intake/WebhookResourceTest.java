package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static io.vmssrunnerscaler.intake.Deliveries.deliver;
import static io.vmssrunnerscaler.intake.Deliveries.workflowJob;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import io.vmssrunnerscaler.shell.UnservedDemand;
import io.vmssrunnerscaler.testing.LogCapture;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** POST /github/webhook with GitHub's own example payloads and every kind of bad delivery. */
@QuarkusTest
@TestProfile(WebhookProfile.class)
class WebhookResourceTest {
    static final Path EXAMPLES = Path.of("src/test/npm/node_modules/@octokit/webhooks-examples/api.github.com/index.json");
    static final Set<String> SERVED = Set.of("octo-org/example-workflow", "lineville/elastic-machines-testing");

    @Inject
    ScalerRuntime runtime;

    static List<JsonNode> workflowJobExamples() throws IOException {
        List<JsonNode> examples = new ArrayList<>();
        for (JsonNode event : new ObjectMapper().readTree(EXAMPLES.toFile())) {
            if (event.path("name").asText().equals("workflow_job")) {
                event.path("examples").forEach(examples::add);
            }
        }
        return examples;
    }

    @Test
    void everyOctokitWorkflowJobExampleIsAcceptedOrIgnoredWithAReason() throws IOException {
        List<JsonNode> examples = workflowJobExamples();
        assertTrue(examples.size() >= 8, "the octokit package lost its workflow_job examples");
        for (JsonNode example : examples) {
            String repository = example.path("repository").path("full_name").asText();
            var response = deliver("workflow_job", example.toString()).statusCode(202);
            if (SERVED.contains(repository)) {
                response.body("outcome", equalTo("accepted"));
            } else {
                response.body("outcome", equalTo("ignored")).body("reason", containsString("no pool serves " + repository));
            }
        }
        // queued and waiting of the same k8s job: counted once, and the pool grows for it.
        assertEquals(Set.of(12877621891L), state("k8s").queued().keySet());
        assertEquals(2, state("k8s").desired(), "one queued job with 25% free asks for ceil(1.25) = 2");
        // in_progress on "my runner", whose instance is not listed: remembered until it is.
        assertTrue(state("gpu").orphanStarts().containsKey("my runner"));
        // GitHub-hosted jobs (ubuntu-latest) of unserved repositories changed nothing.
        for (String pool : List.of("linux", "gpu", "k8s")) {
            assertFalse(state(pool).queued().containsKey(289782451L) || state(pool).queued().containsKey(14541957942L), pool);
        }
    }

    @Test
    void aRedeliveryIsAnsweredButNotActedOnAgain() {
        String id = UUID.randomUUID().toString();
        deliver("workflow_job", workflowJob("queued", 501, null, "octo-org/app", "linux"), id)
                .statusCode(202).body("outcome", equalTo("accepted")).body("pool", equalTo("linux"));
        // Same delivery id, another body: a redelivery is recognised by its id alone.
        deliver("workflow_job", workflowJob("queued", 502, null, "octo-org/app", "linux"), id)
                .statusCode(200).body("outcome", equalTo("duplicate"));
        assertTrue(state("linux").queued().containsKey(501L));
        assertFalse(state("linux").queued().containsKey(502L));
    }

    @Test
    void completedBeforeInProgressChangesNothingWrongly() {
        deliver("workflow_job", workflowJob("completed", 601, null, "octo-org/app", "linux")).statusCode(202);
        deliver("workflow_job", workflowJob("queued", 601, null, "octo-org/app", "linux")).statusCode(202);
        deliver("workflow_job", workflowJob("in_progress", 601, "linux000000", "octo-org/app", "linux")).statusCode(202);
        awaitProcessed();
        PoolState linux = state("linux");
        assertFalse(linux.queued().containsKey(601L), "a late queued for a completed job counts as demand");
        assertTrue(linux.instances().values().stream().noneMatch(i -> i.jobId() == 601L && i.phase() == Phase.BUSY),
                "a late in_progress made an instance busy with a finished job");
    }

    @Test
    void aQueuedJobThatNoPoolServesIsLoggedOnceAndShownAsUnservedDemand() {
        List<String> log = LogCapture.during(List.of(UnservedDemand.class.getName()), Level.INFO, () -> {
            for (long id : List.of(801L, 802L)) {
                deliver("workflow_job", workflowJob("queued", id, null, "octo-org/app", "self-hosted", "Linux", "ARM64"))
                        .statusCode(202).body("outcome", equalTo("ignored"))
                        .body("reason", equalTo("no pool has labels [self-hosted, Linux, ARM64]"));
            }
        });
        List<String> told = log.stream().filter(l -> l.contains("no pool serves labels [arm64, linux, self-hosted]")).toList();
        assertEquals(1, told.size(), log.toString());
        assertTrue(told.get(0).contains("job 801 of octo-org/app"), told.get(0));
        given().get("/status/unserved").then().statusCode(200)
                .body("labelSets.find { it.labels == ['arm64', 'linux', 'self-hosted'] }.jobs", equalTo(2))
                .body("labelSets.find { it.labels == ['arm64', 'linux', 'self-hosted'] }.lastJobId", equalTo(802))
                .body("labelSets.find { it.labels == ['arm64', 'linux', 'self-hosted'] }.lastRepository",
                        equalTo("octo-org/app"));
        for (String pool : List.of("linux", "gpu", "k8s")) {
            assertFalse(state(pool).queued().containsKey(801L) || state(pool).queued().containsKey(802L), pool);
        }
    }

    @Test
    void pingAndOtherEvents() {
        deliver("ping", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}").statusCode(200).body("outcome", equalTo("pong"));
        deliver("push", "{\"ref\":\"refs/heads/main\"}").statusCode(202).body("outcome", equalTo("ignored"))
                .body("reason", containsString("push"));
    }

    @Test
    void badDeliveriesGetA4xxWithAReasonAndChangeNothing() {
        PoolState before = state("linux");
        byte[] body = workflowJob("queued", 701, null, "octo-org/app", "linux").getBytes(StandardCharsets.UTF_8);
        String good = Deliveries.sign(body);

        post(body, "application/json", "workflow_job", good, null).statusCode(400).body("reason", containsString("X-GitHub-Delivery"));
        post(body, "application/json", "workflow_job", null, "d1").statusCode(401).body("reason", containsString("missing"));
        post(body, "application/json", "workflow_job", good.replace("sha256=", "sha1="), "d2").statusCode(401);
        post(body, "application/json", "workflow_job", good.substring(0, good.length() - 1) + "0", "d3").statusCode(401)
                .body("reason", containsString("does not match"));
        post(body, "text/plain", "workflow_job", good, "d4").statusCode(415)
                .body("reason", containsString("application/json"));

        byte[] malformed = "{\"action\":\"queued\",".getBytes(StandardCharsets.UTF_8);
        post(malformed, "application/json", "workflow_job", Deliveries.sign(malformed), "d5").statusCode(400)
                .body("reason", containsString("not a workflow_job payload"));
        byte[] missing = "{\"action\":\"queued\",\"workflow_job\":{\"labels\":[]}}".getBytes(StandardCharsets.UTF_8);
        post(missing, "application/json", "workflow_job", Deliveries.sign(missing), "d6").statusCode(400)
                .body("reason", equalTo("missing fields: workflow_job.id, repository.full_name"));
        byte[] huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        post(huge, "application/json", "workflow_job", Deliveries.sign(huge), "d7").statusCode(413)
                .body("reason", containsString("exceeds the limit"));

        awaitProcessed();
        PoolState after = state("linux");
        assertEquals(before.queued(), after.queued());
        assertEquals(before.instances(), after.instances());
        assertNotEquals(null, after);
    }

    private static io.restassured.response.ValidatableResponse post(byte[] body, String type, String event, String signature,
            String delivery) {
        var request = given().contentType(type).header(GitHubHeaders.EVENT, event).body(body);
        if (signature != null) {
            request.header(GitHubHeaders.SIGNATURE_256, signature);
        }
        if (delivery != null) {
            request.header(GitHubHeaders.DELIVERY, delivery);
        }
        return request.post("/github/webhook").then();
    }

    /** Deliveries are answered before their pool processed them; a status read goes through after. */
    private void awaitProcessed() {
        runtime.scaler().loops().forEach(l -> l.ask(new io.vmssrunnerscaler.engine.PoolEvent.Tick()).await().indefinitely());
    }

    private PoolState state(String pool) {
        awaitProcessed();
        return runtime.scaler().loop(pool).orElseThrow().state();
    }
}
