package io.vmssrunnerscaler.deploy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/runner/watch-evictions.sh run with bash ({@code --once}) against the fake IMDS's scheduled events
 * and a fake scaler's {@code POST /runners/{name}/evicted}: an eviction or deletion of this VM reaches the
 * scaler once, with the hook credential, before Azure is approved; a scaler that does not answer holds the
 * approval up only until the deadline; nothing else is reported; the hook token never shows in the log.
 */
class EvictionWatcherTest {
    private static final Path SCRIPT = Tools.DEPLOY.resolve("runner/watch-evictions.sh");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** As IMDS names a Uniform scale set's VM: {scale-set-name}_{instance-id}. */
    private static final String VM = "vmss-runners-spot_3";
    private static final String RUNNER = "linuxspot000003";
    private static final String TOKEN = "hook-secret-4711";

    @TempDir
    Path dir;

    private FakeImds imds;
    private FakeScaler scaler;

    @BeforeEach
    void start() throws IOException {
        imds = FakeImds.start(TestAttestation.trustedSigner());
        imds.serve(VM, "33333333-3333-3333-3333-333333333333", "sub-a");
        imds.serve("vmss-runners-spot_4", "44444444-4444-4444-4444-444444444444", "sub-a");
        scaler = FakeScaler.start(imds);
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("hook-auth-header"), "Authorization: Bearer " + TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        scaler.close();
        imds.close();
        assertEquals(List.of(), imds.specCheck().violations());
    }

    @Test
    void aPreemptOfThisVmReachesTheScalerBeforeAzureIsApproved() throws Exception {
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM), Instant.now().plusSeconds(30));
        String notBefore = listedNotBefore(id);
        scaler.answer(503, "{\"outcome\":\"busy\"}"); // a failure first: retried, and Azure still waits
        Tools.Run run = watch(Map.of());
        assertEquals(0, run.exitCode(), run.output());

        assertEquals(2, scaler.notices().size(), run.output());
        for (Notice notice : scaler.notices()) {
            assertEquals("/runners/" + RUNNER + "/evicted", notice.path());
            assertEquals("Bearer " + TOKEN, notice.authorization());
            assertEquals("application/json", notice.contentType());
            JsonNode body = JSON.readTree(notice.body());
            assertEquals(id, body.get("eventId").asText());
            assertEquals("Preempt", body.get("eventType").asText());
            assertEquals(notBefore, body.get("notBefore").asText());
            assertEquals(0, notice.approvalsBefore(), "Azure was approved before the scaler answered");
        }
        assertEquals(List.of(id), imds.startRequests(VM));
        assertEquals("Started", imds.eventStatus(VM, id));
        assertThat(run.output(), containsString("the scaler took the notice (202)"));
    }

    @Test
    void aTerminateIsReportedAndApprovedToo() throws Exception {
        String id = imds.scheduleEvent(VM, "Terminate", List.of(VM), Instant.now().plusSeconds(600));
        Tools.Run run = watch(Map.of());
        assertEquals(1, scaler.notices().size(), run.output());
        assertEquals("Terminate", JSON.readTree(scaler.notices().get(0).body()).get("eventType").asText());
        assertEquals(List.of(id), imds.startRequests(VM));
    }

    @Test
    void anotherVmsEventAndAFreezeAreNotReportedNorApproved() throws Exception {
        imds.scheduleEvent(VM, "Preempt", List.of("vmss-runners-spot_4"), Instant.now().plusSeconds(30));
        String freeze = imds.scheduleEvent(VM, "Freeze", List.of(VM), Instant.now().plusSeconds(900));
        imds.scheduleEvent(VM, "Reboot", List.of(VM), Instant.now().plusSeconds(900));
        Tools.Run run = watch(Map.of());
        assertEquals(0, run.exitCode(), run.output());
        assertThat(scaler.notices(), is(empty()));
        assertThat(imds.startRequests(VM), is(empty()));
        assertThat(run.output(), containsString("event " + freeze + ": Freeze of this VM"));
    }

    @Test
    void anEventIsReportedOnceAcrossPolls() throws Exception {
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM), Instant.now().plusSeconds(30));
        watch(Map.of());
        Tools.Run again = watch(Map.of());
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(1, scaler.notices().size(), "reported twice: " + again.output());
        assertEquals(List.of(id), imds.startRequests(VM));

        // a second event of the same VM is new and is reported
        String second = imds.scheduleEvent(VM, "Terminate", List.of(VM), Instant.now().plusSeconds(600));
        watch(Map.of());
        assertEquals(2, scaler.notices().size());
        assertEquals(List.of(id, second), imds.startRequests(VM));
    }

    @Test
    void aScalerThatIsDownDoesNotHoldTheApprovalPastTheDeadline() throws Exception {
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM), Instant.now().plusSeconds(30));
        long started = System.nanoTime();
        Tools.Run run = watch(Map.of("VMSS_RUNNER_SCALER_URL", "http://127.0.0.1:" + closedPort(), "NOTICE_SECONDS", "2"));
        assertEquals(0, run.exitCode(), run.output());
        assertThat(Duration.ofNanos(System.nanoTime() - started).toSeconds(), lessThan(15L));
        assertEquals(List.of(id), imds.startRequests(VM));
        assertThat(run.output(), containsString("the scaler did not answer (last: 000) within 2s"));
    }

    @Test
    void aFailingScalerIsRetriedUntilShortlyBeforeNotBeforeThenAzureIsApproved() throws Exception {
        for (int i = 0; i < 20; i++) {
            scaler.answer(500, "{\"outcome\":\"error\"}");
        }
        // NotBefore in 8 s, the margin 5 s: about 3 s for the scaler, not the 20 s of NOTICE_SECONDS
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM), Instant.now().plusSeconds(8));
        long started = System.nanoTime();
        Tools.Run run = watch(Map.of("NOTICE_SECONDS", "20"));
        assertThat(Duration.ofNanos(System.nanoTime() - started).toSeconds(), lessThan(8L));
        assertThat(scaler.notices().size(), is(not(0)));
        assertThat(scaler.notices().stream().map(Notice::approvalsBefore).toList(), everyItem(is(0)));
        assertEquals(List.of(id), imds.startRequests(VM));
        assertThat(run.output(), containsString("the scaler did not answer (last: 500)"));
    }

    @Test
    void aRefusalIsAnAnswerAndAnEventOfSeveralVmsIsNotApproved() throws Exception {
        scaler.answer(404, "{\"outcome\":\"unknown-runner\"}");
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM, "vmss-runners-spot_4"), Instant.now().plusSeconds(30));
        Tools.Run run = watch(Map.of());
        assertEquals(1, scaler.notices().size(), run.output());
        assertThat(run.output(), containsString("the scaler refused the notice (404): {\"outcome\":\"unknown-runner\"}"));
        // approving would start it for vmss-runners-spot_4 too, before its own watcher told the scaler
        assertThat(imds.startRequests(VM), is(empty()));
        assertEquals("Scheduled", imds.eventStatus(VM, id));
    }

    @Test
    void withoutAHookCredentialTheScalerIsNotToldAndAzureIsApproved() throws Exception {
        Files.delete(dir.resolve("state/hook-auth-header"));
        String id = imds.scheduleEvent(VM, "Preempt", List.of(VM), Instant.now().plusSeconds(30));
        Tools.Run run = watch(Map.of());
        assertThat(scaler.notices(), is(empty()));
        assertEquals(List.of(id), imds.startRequests(VM));
        assertThat(run.output(), containsString("no hook credential yet"));

        // a credential file that is not one Authorization line is never sent
        Files.writeString(dir.resolve("state/hook-auth-header"), "X-Other: secret\nAuthorization: Bearer " + TOKEN + "\n");
        imds.scheduleEvent(VM, "Terminate", List.of(VM), Instant.now().plusSeconds(600));
        watch(Map.of());
        assertThat(scaler.notices(), is(empty()));
    }

    @Test
    void cloudInitInstallsAndEnablesTheWatcherAsRoot() throws Exception {
        Path rendered = dir.resolve("runner.yaml");
        Files.writeString(rendered, Tools.ok(List.of("bash", "deploy/runner/render-cloud-init.sh", "http://10.40.0.4:8080"),
                Map.of()));
        JsonNode config = Tools.yaml(rendered);
        String unit = null;
        String script = null;
        for (JsonNode f : config.path("write_files")) {
            switch (f.path("path").asText()) {
                case "/etc/systemd/system/vmss-runner-evictions.service" -> unit = f.path("content").asText();
                case "/opt/vmss-runner/watch-evictions.sh" -> {
                    assertEquals("0755", f.path("permissions").asText());
                    script = new String(Base64.getDecoder().decode(f.path("content").asText()), StandardCharsets.UTF_8);
                }
                default -> { }
            }
        }
        assertEquals(Files.readString(SCRIPT), script, "cloud-init writes watch-evictions.sh as it is in deploy/runner");
        for (String line : List.of("ExecStart=/opt/vmss-runner/watch-evictions.sh\n", "EnvironmentFile=/etc/vmss-runner/scaler.env\n",
                "StateDirectory=vmss-runner-evictions\n", "StateDirectoryMode=0700\n", "Restart=always\n",
                "WantedBy=multi-user.target\n")) {
            assertThat(unit, containsString(line));
        }
        assertThat("root: only root reaches the metadata service", unit, not(containsString("User=")));
        List<String> runcmd = new ArrayList<>();
        config.path("runcmd").forEach(c -> runcmd.add(c.toString()));
        assertThat(runcmd, hasItem("[\"systemctl\",\"enable\",\"--now\",\"--no-block\",\"vmss-runner-evictions.service\"]"));
        assertThat(runcmd.indexOf("[\"systemctl\",\"daemon-reload\"]"), lessThan(runcmd.size() - 1));
    }

    private Tools.Run watch(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("IMDS_URL", imds.baseUriFor(VM).toString(),
                "VMSS_RUNNER_SCALER_URL", scaler.url(), "VMSS_RUNNER_STATE_DIR", dir.resolve("state").toString(),
                "WATCH_STATE_DIR", dir.resolve("watch").toString(), "RUNNER_NAME", RUNNER, "NOTICE_SECONDS", "3",
                "RETRY_SECONDS", "1", "TMPDIR", dir.toString()));
        env.putAll(extra);
        Tools.Run run = Tools.run(List.of("bash", SCRIPT.toString(), "--once"), env);
        assertThat("the hook token was logged", run.output(), not(containsString(TOKEN)));
        return run;
    }

    private String listedNotBefore(String id) throws Exception {
        HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(imds.baseUriFor(VM)
                + "/metadata/scheduledevents?api-version=2020-07-01")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode doc = JSON.readTree(listed.body());
        for (JsonNode e : doc.get("Events")) {
            if (id.equals(e.get("EventId").asText())) {
                return e.get("NotBefore").asText();
            }
        }
        throw new AssertionError(id + " is not listed: " + doc);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A notice as the scaler received it, with how many approvals IMDS had seen by then. */
    record Notice(String path, String authorization, String contentType, String body, int approvalsBefore) {
    }

    /** The scaler's eviction endpoint: 202, unless answers were queued; records every notice. */
    static final class FakeScaler implements AutoCloseable {
        private final HttpServer server;
        private final FakeImds imds;
        private final List<Notice> notices = new ArrayList<>();
        private final Deque<Integer> statuses = new ArrayDeque<>();
        private final Deque<String> bodies = new ArrayDeque<>();

        private FakeScaler(HttpServer server, FakeImds imds) {
            this.server = server;
            this.imds = imds;
        }

        static FakeScaler start(FakeImds imds) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeScaler fake = new FakeScaler(server, imds);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized void answer(int status, String body) {
            statuses.add(status);
            bodies.add(body);
        }

        synchronized List<Notice> notices() {
            return List.copyOf(notices);
        }

        @Override
        public void close() {
            server.stop(0);
        }

        private synchronized void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                notices.add(new Notice(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body,
                        imds.startRequests(VM).size()));
                int status = statuses.isEmpty() ? 202 : statuses.poll();
                String answer = bodies.isEmpty() ? "{\"outcome\":\"accepted\"}" : bodies.poll();
                byte[] out = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, out.length);
                exchange.getResponseBody().write(out);
            }
        }
    }
}
