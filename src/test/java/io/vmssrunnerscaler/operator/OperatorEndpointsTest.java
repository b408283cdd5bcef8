package io.vmssrunnerscaler.operator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.testing.Operator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The operator endpoints through the running service, with {@code scaler.operator.token} set: the
 * JAX-RS ones, the simulator's and Quarkus' own metrics need the token from every caller (these
 * tests call from loopback); the probes, the webhook and the runner endpoints are left to their
 * own checks.
 */
@QuarkusTest
@TestProfile(OperatorTokenProfile.class)
class OperatorEndpointsTest {
    @TestHTTPResource("/")
    URI base;

    private static final String WEBHOOK_SECRET = "It's a Secret to Everybody"; // the test profile's
    private static final List<Function<RequestSpecification, Response>> OPERATOR_CALLS = List.of(
            r -> r.get("/pools"),
            r -> r.get("/pools/linux"),
            r -> r.get("/q/metrics"),
            r -> r.get("/sim/summary"),
            r -> r.contentType("application/json").body("{\"count\":1}").post("/sim/jobs"),
            r -> r.get("/no-such-endpoint"),
            r -> r.post("/admin/pools/linux/pause"),
            r -> r.contentType("application/json").body("{\"max\":1}").put("/admin/pools/linux/overrides"),
            r -> r.post("/admin/pools/linux/instances/0/drain"),
            r -> r.get("/status/latency"));

    @Test
    void withoutTheTokenEveryOperatorEndpointAnswers401() {
        for (Function<RequestSpecification, Response> call : OPERATOR_CALLS) {
            call.apply(given()).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                    .contentType("application/json").body("outcome", equalTo("unauthorized"))
                    .body("reason", containsString("Authorization: Bearer"));
        }
    }

    @Test
    void aWrongTokenGetsTheAnswerOfAMissingOne() {
        Response missing = given().get("/pools");
        for (String wrong : List.of("Bearer wrong", "Bearer " + OperatorTokenProfile.TOKEN + "x",
                "Bearer " + OperatorTokenProfile.TOKEN.substring(0, OperatorTokenProfile.TOKEN.length() - 1), "Basic Zm9vOmJhcg==")) {
            Response refused = given().config(Operator.quiet()).header("Authorization", wrong).get("/pools");
            assertEquals(401, refused.statusCode(), wrong);
            assertEquals(missing.asString(), refused.asString(), "the body tells a wrong token from a missing one");
            assertEquals(missing.header("WWW-Authenticate"), refused.header("WWW-Authenticate"));
            assertFalse(refused.asString().contains(OperatorTokenProfile.TOKEN.substring(0, 20)), "the answer echoes the token");
        }
        for (Function<RequestSpecification, Response> call : OPERATOR_CALLS) {
            call.apply(given().header("Authorization", "Bearer not-the-operator-token")).then().statusCode(401)
                    .body("outcome", equalTo("unauthorized"));
        }
    }

    @Test
    void theRightTokenOpensThePoolsTheMetricsAndTheSimulator() {
        withToken().get("/pools").then().statusCode(200).body("[0].name", equalTo("linux"));
        withToken().get("/pools/linux").then().statusCode(200).body("name", equalTo("linux"));
        withToken().get("/sim/summary").then().statusCode(200).body("submitted", equalTo(0));
        given().config(Operator.quiet()).header("Authorization", "bearer " + OperatorTokenProfile.TOKEN).get("/pools").then().statusCode(200);
        given().get("/pools"); // one refusal at least, counted
        given().header("Authorization", "Bearer wrong").get("/pools");
        String metrics = withToken().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String reason : List.of("missing-token", "bad-token")) {
            String series = "scaler_operator_refusals_total{reason=\"" + reason + "\"} ";
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(series) && !l.endsWith(" 0.0")), series + "not counted");
        }
        assertFalse(metrics.contains(OperatorTokenProfile.TOKEN), "the metrics show the token");
    }

    @Test
    void theProbesStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().get("/q/health").then().statusCode(200);
    }

    @Test
    void theWebhookAndTheRunnerEndpointsKeepTheirOwnChecks() {
        byte[] ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header(GitHubHeaders.EVENT, "ping").header(GitHubHeaders.DELIVERY, "op-1")
                .header(GitHubHeaders.SIGNATURE_256, new WebhookSignature(WEBHOOK_SECRET).sign(ping)).body(ping)
                .post("/github/webhook").then().statusCode(200).body("outcome", equalTo("pong"));
        given().contentType("application/json").header(GitHubHeaders.EVENT, "ping").header(GitHubHeaders.DELIVERY, "op-2")
                .header(GitHubHeaders.SIGNATURE_256, "sha256=" + "0".repeat(64)).body(ping)
                .post("/github/webhook").then().statusCode(401).body("outcome", equalTo("bad-signature"));
        // the runner endpoints answer for themselves: no attested document, a bad hook token (not the operator's)
        given().post("/runners/linux999999/jitconfig").then().statusCode(401).body("outcome", equalTo("attestation-required"));
        given().header("Authorization", "Bearer v1.Zm9v.YmFy").post("/runners/linux999999/job-started").then()
                .statusCode(401).body("outcome", equalTo("bad-token")).header("WWW-Authenticate", not(equalTo("Bearer")));
    }

    @Test
    void dotSegmentsDoNotDisguiseAnOperatorPathAsAnOpenOne() throws Exception {
        // sent as written (RestAssured would resolve the dots itself); the router resolves them to /pools
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/runners/x/../../pools", "/q/health/../../pools", "/github/webhook/../../q/metrics")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), path + ": " + response.body());
        }
    }

    private static RequestSpecification withToken() {
        return Operator.given(OperatorTokenProfile.TOKEN);
    }
}
