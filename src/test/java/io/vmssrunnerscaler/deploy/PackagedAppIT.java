package io.vmssrunnerscaler.deploy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as the scaler VM runs it - the JVM build, or with {@code -Dnative} the
 * native binary - started in its production profile, configured only through runtime settings
 * (against the built-in simulator, since no Azure is at hand): it gets ready, serves the pools and
 * checks webhook signatures. Runs under failsafe ({@code -DskipITs=false}, or {@code -Dnative}).
 *
 * <p>The settings come from a test resource, not a {@code @TestProfile}: Quarkus records the JDK 25
 * AOT cache ({@code -Paot}, {@code target/quarkus-app/app.aot}) only from integration tests that run
 * without a test profile.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppIT.Simulated.class)
class PackagedAppIT {
    static final String SECRET = "packaged-app-webhook-secret";

    /** Passed to the launched application as system properties. */
    public static class Simulated implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.ofEntries(
                    Map.entry("scaler.cloud", "simulated"),
                    Map.entry("scaler.github.webhook-secret", SECRET),
                    Map.entry("scaler.runners.hook-token-key", "packaged-app-hook-token-key-0123456789"),
                    Map.entry("scaler.pools.linux.labels", "linux,x64"),
                    Map.entry("scaler.pools.linux.min", "1"),
                    Map.entry("scaler.pools.linux.max", "3"),
                    Map.entry("scaler.pools.linux.scope", "octo-org/app"),
                    Map.entry("scaler.sim.capacity-delay", "200ms"),
                    Map.entry("scaler.sim.provisioning-delay", "1s"),
                    Map.entry("scaler.sim.runner-start-delay", "100ms"));
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void thePackagedServiceGetsReadyServesThePoolsAndChecksWebhookSignatures() throws Exception {
        given().get("/q/health/live").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/pools/linux").then().statusCode(200).body("name", equalTo("linux")).body("max", equalTo(3));

        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
        given().contentType("application/json").header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "it-1")
                .header("X-Hub-Signature-256", sign(ping)).body(ping)
                .post("/github/webhook").then().statusCode(200).body("outcome", equalTo("pong"));
        given().contentType("application/json").header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "it-2")
                .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64)).body(ping)
                .post("/github/webhook").then().statusCode(401);

        // Production logs are JSON, with the pool, instance and runner as fields, and an audit line per admin change.
        given().header("X-Scaler-Operator", "it-operator").post("/admin/pools/linux/pause").then().statusCode(200);
        given().post("/admin/pools/linux/resume").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<JsonNode> lines = jsonLines(Path.of("target", "quarkus.log"));
            assertTrue(lines.stream().anyMatch(l -> l.path("loggerName").asText().equals("io.vmssrunnerscaler.audit")
                    && l.path("mdc").path("actor").asText().equals("it-operator")
                    && l.path("mdc").path("action").asText().equals("pause")), "an audit line with who and what");
            assertTrue(lines.stream().anyMatch(l -> l.path("mdc").path("pool").asText().equals("linux")
                    && !l.path("mdc").path("instance").asText().isEmpty()
                    && !l.path("mdc").path("runner").asText().isEmpty()), "pool lines carry pool, instance and runner");
        });
    }

    /** Every line of the application's output that is a JSON object (the JVM may print plain lines of its own). */
    private static List<JsonNode> jsonLines(Path log) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            assertFalse(line.contains(SECRET), "the webhook secret is in the log");
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertFalse(lines.isEmpty(), "no JSON log line in " + log);
        return lines;
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
