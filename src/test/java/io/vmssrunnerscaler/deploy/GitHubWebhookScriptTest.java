package io.vmssrunnerscaler.deploy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/scripts/github-webhook.sh against a fake of GitHub's webhook endpoints ({@code GET/POST
 * /repos/{o}/{r}/hooks}, {@code /orgs/{org}/hooks}): it finds the webhook with the deployment's URL, or
 * creates one for workflow_job, and prints its id, the deployment's githubHookId. Token and secret never show.
 */
class GitHubWebhookScriptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "ghp_admin0123456789";
    private static final String SECRET = "webhook-secret-abcdef";
    private static final String URL = "https://vmss-scaler-x.westeurope.cloudapp.azure.com/github/webhook";

    private HttpServer server;
    private final List<String> calls = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private final List<JsonNode> created = new ArrayList<>();
    private String hooks = "[]";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void findsTheWebhookWithTheDeploymentsUrl() {
        hooks = "[{\"id\": 11, \"config\": {\"url\": \"https://elsewhere.example/hook\"}},"
                + " {\"id\": 4711, \"config\": {\"url\": \"" + URL + "\", \"content_type\": \"json\"}}]";
        Tools.Run run = script("ensure", "octo-org/app", Map.of());
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("4711", lastLine(run.output()));
        assertEquals(List.of("GET /repos/octo-org/app/hooks?per_page=100"), calls, "found: nothing created");
        assertEquals(List.of("Bearer " + TOKEN), authorizations);
    }

    @Test
    void createsAWorkflowJobWebhookWhenThereIsNone() {
        Tools.Run run = script("ensure", "octo-org/app", Map.of("WEBHOOK_SECRET", SECRET));
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("77", lastLine(run.output()));
        assertEquals(List.of("GET /repos/octo-org/app/hooks?per_page=100", "POST /repos/octo-org/app/hooks"), calls);
        JsonNode body = created.get(0);
        assertEquals("web", body.get("name").asText());
        assertEquals(true, body.get("active").asBoolean());
        assertEquals("[\"workflow_job\"]", body.get("events").toString());
        assertEquals(URL, body.at("/config/url").asText());
        assertEquals("json", body.at("/config/content_type").asText());
        assertEquals(SECRET, body.at("/config/secret").asText());
        assertEquals("0", body.at("/config/insecure_ssl").asText());
        assertThat(run.output(), not(containsString(SECRET)));
    }

    @Test
    void anOrganisationsWebhooksAreTheOrganisations() {
        Tools.Run run = script("ensure", "octo-org", Map.of("WEBHOOK_SECRET", SECRET));
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("GET /orgs/octo-org/hooks?per_page=100", "POST /orgs/octo-org/hooks"), calls);
    }

    @Test
    void findCreatesNothingAndEnsureWithoutASecretFails() {
        Tools.Run find = script("find", "octo-org/app", Map.of("WEBHOOK_SECRET", SECRET));
        assertEquals(0, find.exitCode(), find.output());
        assertThat(find.output().strip().isEmpty(), is(true));
        Tools.Run ensure = script("ensure", "octo-org/app", Map.of());
        assertEquals(1, ensure.exitCode(), ensure.output());
        assertThat(ensure.output(), containsString("without WEBHOOK_SECRET none is created"));
        assertEquals(List.of("GET /repos/octo-org/app/hooks?per_page=100", "GET /repos/octo-org/app/hooks?per_page=100"), calls);
    }

    @Test
    void aRefusalIsReportedWithGitHubsReason() {
        hooks = null; // answer 404 as GitHub does for a token without the webhooks permission
        Tools.Run run = script("find", "octo-org/app", Map.of());
        assertEquals(1, run.exitCode(), run.output());
        assertThat(run.output(), containsString("listing the webhooks of octo-org/app answered 404: {\"message\":\"Not Found\""));
    }

    private Tools.Run script(String mode, String scope, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("GITHUB_ADMIN_TOKEN", TOKEN,
                "GITHUB_API_URL", "http://127.0.0.1:" + server.getAddress().getPort()));
        env.putAll(extra);
        Tools.Run run = Tools.run(List.of("bash", "deploy/scripts/github-webhook.sh", mode, scope, URL), env);
        assertThat("the token was printed", run.output(), not(containsString(TOKEN)));
        return run;
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] in = exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            int status;
            String out;
            if (hooks == null) {
                status = 404;
                out = "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}";
            } else if ("POST".equals(exchange.getRequestMethod())) {
                created.add(JSON.readTree(in));
                status = 201;
                out = "{\"id\":77,\"name\":\"web\",\"active\":true,\"events\":[\"workflow_job\"]}";
            } else {
                status = 200;
                out = hooks;
            }
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
