package io.vmssrunnerscaler.status;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.intake.Deliveries;
import io.vmssrunnerscaler.sim.RunningSimulation;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real headless browser (Debian's Chromium, driven by Playwright's
 * {@code playwright-core} from {@code src/test/npm/status-page.mjs}) against the running service
 * and its simulator: it loads, shows the pool grow for a burst and shrink back, and shows Azure's
 * refusal of capacity with the waiting jobs' reason. Takes the README's screenshot
 * ({@code docs/status-page.png}).
 */
@QuarkusTest
@TestProfile(StatusPageProfile.class)
class StatusPageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOT = Path.of("docs", "status-page.png");

    @TestHTTPResource("/")
    URI base;

    @Inject
    RunningSimulation simulation;

    private Process browser;
    private BufferedReader answers;
    private Writer commands;
    private final StringBuffer stderr = new StringBuffer();

    @AfterEach
    void closeTheBrowser() throws Exception {
        simulation.world().orElseThrow().refuseCapacity(scaleSet(), null);
        if (browser != null) {
            try {
                commands.write("quit\n");
                commands.flush();
            } catch (IOException e) {
                // gone already
            }
            if (!browser.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        }
    }

    @Test
    void thePageShowsABurstGrowAndShrinkAndARefusalWithItsReason() throws Exception {
        open();
        JsonNode loaded = awaitShown(s -> linux(s) != null && s.path("polls").asInt() > 1);
        assertTrue(linux(loaded).path("settings").asText().contains("max 10"), loaded::toString);
        int min = 1;

        burst(8, 4);
        JsonNode grown = awaitShown(s -> linux(s).path("live").asInt() >= 5 && linux(s).path("busy").asInt() >= 3);
        assertTrue(linux(grown).path("charts").asInt() >= 1, () -> "the chart is drawn: " + grown);
        JsonNode shrunk = awaitShown(s -> linux(s).path("live").asInt() == min && linux(s).path("queued").asInt() == 0
                && linux(s).path("stages").size() >= 6);
        assertTrue(linux(shrunk).path("maxLiveShown").asInt() >= 5, () -> "the page's history shows the growth: " + shrunk);

        simulation.world().orElseThrow().refuseCapacity(scaleSet(), "OperationNotAllowed");
        burst(4, 30);
        JsonNode refused = awaitShown(s -> linux(s).path("refusal").asText().contains("OperationNotAllowed")
                && linux(s).path("reasons").toString().contains("capacity refused")
                && linux(s).path("convergence").asText().contains("capacity refused: OperationNotAllowed"));
        assertTrue(linux(refused).path("busy").asInt() >= 1, () -> "the idle runner took a job meanwhile: " + refused);
        ask("screenshot " + SCREENSHOT.toAbsolutePath());
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot of the page");

        simulation.world().orElseThrow().refuseCapacity(scaleSet(), null);
        awaitShown(s -> linux(s).path("queued").asInt() == 0 && linux(s).path("refusal").isNull());

        Deliveries.deliver("workflow_job", Deliveries.workflowJob("queued", 9901, null, "octo-org/app", "self-hosted", "gpu"))
                .statusCode(202);
        JsonNode unserved = awaitShown(s -> s.path("unserved").size() == 1);
        assertTrue(unserved.path("unserved").get(0).asText().startsWith("gpu, self-hosted1"),
                () -> "labels, then the job count: " + unserved.path("unserved"));
        assertTrue(unserved.path("unserved").get(0).asText().endsWith("octo-org/app #9901"), unserved::toString);
    }

    private String scaleSet() {
        return given().get("/pools/linux").then().statusCode(200).extract().path("scaleSet");
    }

    private static void burst(int count, int seconds) {
        given().contentType("application/json").body("{\"count\":" + count + ",\"durationSeconds\":" + seconds + "}")
                .post("/sim/jobs").then().statusCode(202);
    }

    private static JsonNode linux(JsonNode shown) {
        for (JsonNode pool : shown.path("pools")) {
            if (pool.path("name").asText().equals("linux")) {
                return pool;
            }
        }
        return null;
    }

    /** Polls what the page shows until it satisfies the condition; a page error fails at once. */
    private JsonNode awaitShown(Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        try {
            return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                JsonNode s = ask("state");
                last[0] = s;
                assertEquals(0, s.path("errors").size(), () -> "the page failed: " + s.path("errors"));
                assertTrue(s.path("error").isNull(), () -> "the page could not update: " + s.path("error"));
                return s;
            }, s -> linux(s) != null && condition.test(s));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the page never showed it; last shown: " + last[0] + "; browser: " + stderr, e);
        }
    }

    private void open() throws IOException {
        Path npm = Path.of("src", "test", "npm");
        browser = new ProcessBuilder("node", npm.resolve("status-page.mjs").toString(), base.toString().replaceAll("/$", ""))
                .start();
        answers = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
        commands = new java.io.OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8);
        Thread drain = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8))) {
                err.lines().forEach(l -> stderr.append(l).append('\n'));
            } catch (IOException e) {
                // the browser is gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        JsonNode ready = read();
        assertTrue(ready.path("ready").asBoolean(), () -> "the browser did not start: " + ready + " " + stderr);
    }

    private JsonNode ask(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        JsonNode answer = read();
        assertTrue(answer.path("ok").asBoolean(), () -> command + ": " + answer);
        return answer;
    }

    private JsonNode read() throws IOException {
        String line = answers.readLine();
        if (line == null) {
            throw new AssertionError("the browser script ended: " + stderr);
        }
        return JSON.readTree(line);
    }
}
