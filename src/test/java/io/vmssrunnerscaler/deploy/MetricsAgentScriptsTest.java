package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler VM's monitoring scripts, run with bash in a scratch directory: the Prometheus installer
 * (checksums), the operator-token fetcher (Key Vault through the instance metadata service; no
 * secret on a command line or in the log), configure-scaler.sh with the metrics agent on and off, and
 * the log file's logrotate rule with a writer that keeps the file open as systemd does.
 */
class MetricsAgentScriptsTest {
    private static final String VERSION = "3.5.0";
    private static final String ARCH = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    private static final String PACKAGE = "prometheus-" + VERSION + ".linux-" + ARCH;
    private static final String REMOTE_WRITE = "https://vmss-scaler-metrics-a1b2.westeurope-1.metrics.ingest.monitor.azure.com"
            + "/dataCollectionRules/dcr-0123456789abcdef/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24";

    @TempDir
    Path dir;

    @Test
    void thePrometheusPackageIsCheckedAgainstThePinOrTheReleasesChecksums() throws Exception {
        Path release = release("#!/bin/sh\necho prometheus " + VERSION + "\n");
        Path install = dir.resolve("opt");
        Map<String, String> env = new HashMap<>(Map.of("PROMETHEUS_VERSION", VERSION, "INSTALL_DIR", install.toString(),
                "PROMETHEUS_BASE_URL", release.toUri().toString().replaceAll("/$", "")));

        env.put("PROMETHEUS_SHA256", "00".repeat(32));
        Tools.Run wrong = Tools.run(List.of("bash", "deploy/scaler/install-prometheus.sh"), env);
        assertFalse(wrong.ok(), "a wrong pinned checksum must stop the installation: " + wrong.output());
        assertFalse(Files.exists(install.resolve("prometheus")));

        env.put("PROMETHEUS_SHA256", sha256(release.resolve("v" + VERSION + "/" + PACKAGE + ".tar.gz")));
        Tools.Run pinned = Tools.run(List.of("bash", "deploy/scaler/install-prometheus.sh"), env);
        assertEquals(0, pinned.exitCode(), pinned.output());
        assertFalse(pinned.output().contains("WARNING"), pinned.output());
        assertEquals("prometheus " + VERSION + "\n", Tools.ok(List.of(install.resolve("prometheus").toString()), Map.of()));

        env.remove("PROMETHEUS_SHA256");
        Tools.Run sums = Tools.run(List.of("bash", "deploy/scaler/install-prometheus.sh"), env);
        assertEquals(0, sums.exitCode(), sums.output());
        assertTrue(sums.output().contains("WARNING: no PROMETHEUS_SHA256 given"), sums.output());

        Files.writeString(release.resolve("v" + VERSION + "/sha256sums.txt"), "ab".repeat(32) + "  something-else.tar.gz\n");
        Tools.Run unlisted = Tools.run(List.of("bash", "deploy/scaler/install-prometheus.sh"), env);
        assertFalse(unlisted.ok(), unlisted.output());
        assertTrue(unlisted.output().contains("does not list " + PACKAGE + ".tar.gz"), unlisted.output());
    }

    @Test
    void theOperatorTokenComesFromKeyVaultThroughFilesOnlyAndRestartsTheAgentWhenItChanges() throws Exception {
        try (FakeVault vault = FakeVault.start()) {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path curlArgs = dir.resolve("curl.args");
            String realCurl = Tools.ok(List.of("bash", "-c", "command -v curl"), Map.of()).trim();
            Files.writeString(bin.resolve("curl"), "#!/bin/bash\nprintf '%s\\n' \"$*\" >> " + curlArgs + "\nexec " + realCurl + " \"$@\"\n");
            Path calls = dir.resolve("systemctl.calls");
            Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$@\" >> " + calls + "\n");
            for (String tool : List.of("curl", "systemctl")) {
                assertTrue(bin.resolve(tool).toFile().setExecutable(true));
            }
            Path tokenFile = dir.resolve("etc/metrics/operator-token");
            Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "SCALER_AZURE_KEY_VAULT_URL", vault.url() + "/",
                    "SCALER_AZURE_CLIENT_ID", "client-4711", "SCALER_AZURE_KEY_VAULT_OPERATOR_TOKEN_SECRET", "operator-token",
                    "IMDS_URL", vault.url(), "TOKEN_FILE", tokenFile.toString(), "SYSTEMCTL", bin.resolve("systemctl").toString());
            String first = "operator-token-" + "a".repeat(40);
            String second = "operator-token-" + "b".repeat(40);
            StringBuilder logs = new StringBuilder();

            // not set yet: an empty credential file, so that the agent can start; no failure
            vault.answer(404, "{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"A secret with (name/id) operator-token was not found\"}}");
            Tools.Run missing = Tools.run(List.of("bash", "deploy/scaler/metrics-token.sh"), env);
            logs.append(missing.output());
            assertEquals(0, missing.exitCode(), missing.output());
            assertTrue(missing.output().contains("not in Key Vault yet"), missing.output());
            assertEquals("", Files.readString(tokenFile));
            assertFalse(Files.exists(calls));

            vault.answer(200, "{\"value\":\"" + first + "\",\"id\":\"https://kv/secrets/operator-token/1\"}");
            Tools.Run set = Tools.run(List.of("bash", "deploy/scaler/metrics-token.sh"), env);
            logs.append(set.output());
            assertEquals(0, set.exitCode(), set.output());
            assertEquals(first, Files.readString(tokenFile));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            assertEquals("try-restart vmss-scaler-metrics.service\n", Files.readString(calls));

            vault.answer(200, "{\"value\":\"" + first + "\"}");
            Tools.Run same = Tools.run(List.of("bash", "deploy/scaler/metrics-token.sh"), env);
            logs.append(same.output());
            assertEquals(0, same.exitCode(), same.output());
            assertEquals("try-restart vmss-scaler-metrics.service\n", Files.readString(calls), "an unchanged token restarts nothing");

            vault.answer(200, "{\"value\":\"" + second + "\"}");
            logs.append(Tools.ok(List.of("bash", "deploy/scaler/metrics-token.sh"), env));
            assertEquals(second, Files.readString(tokenFile));
            assertEquals(2, Files.readAllLines(calls).size());

            vault.answer(403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"no secrets/get permission\"}}");
            Tools.Run refused = Tools.run(List.of("bash", "deploy/scaler/metrics-token.sh"), env);
            logs.append(refused.output());
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("Key Vault answered 403") && refused.output().contains("no secrets/get permission"));
            assertEquals(second, Files.readString(tokenFile), "a refusal keeps the token there is");

            // as Azure expects it: the metadata service for Key Vault's resource and the scaler's identity
            FakeVault.Seen identity = vault.seen.get(0);
            assertEquals("true", identity.metadata());
            assertTrue(identity.uri().startsWith("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=client-4711"),
                    identity.uri());
            FakeVault.Seen secret = vault.seen.get(1);
            assertEquals("/secrets/operator-token?api-version=7.4", secret.uri());
            assertEquals("Bearer " + FakeVault.ACCESS_TOKEN, secret.authorization());
            // no secret on a command line (every curl call's arguments) or in the log
            String args = Files.readString(curlArgs);
            for (String secretValue : List.of(FakeVault.ACCESS_TOKEN, first, second)) {
                assertFalse(args.contains(secretValue), "a secret on curl's command line: " + args);
                assertFalse(logs.toString().contains(secretValue), "a secret in the log: " + logs);
            }
        }
    }

    @Test
    void configureScalerInstallsTheMetricsAgentAndStopsItWhenMetricsAreOff() throws Exception {
        Path release = release("#!/bin/sh\necho prometheus\n");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path artifact = dir.resolve("vmss-runner-scaler-linux-x64");
        Files.writeString(artifact, "native build\n");
        Path calls = dir.resolve("systemctl.calls");
        Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$@\" >> " + calls + "\n");
        assertTrue(systemctl.toFile().setExecutable(true));
        Map<String, String> env = new HashMap<>(Map.of("ROOT", root.toString(), "SYSTEMCTL", systemctl.toString(),
                "WAIT_FOR_CLOUD_INIT", "0", "SCALER_ENV_B64", b64("SCALER_CLOUD=azure\nSCALER_AZURE_CLIENT_ID=client-4711\n"),
                "SCALER_ARTIFACT_URL", artifact.toUri().toString(), "PUBLIC_HOST", "scaler.westeurope.cloudapp.azure.com",
                "ACME_EMAIL", "ops@example.com", "WEBHOOK_PORT", "443", "SERVICE_PORT", "8080"));
        env.putAll(Map.of("METRICS_REMOTE_WRITE_URL", REMOTE_WRITE, "PROMETHEUS_VERSION", VERSION,
                "PROMETHEUS_SHA256", sha256(release.resolve("v" + VERSION + "/" + PACKAGE + ".tar.gz")),
                "PROMETHEUS_BASE_URL", release.toUri().toString().replaceAll("/$", "")));
        for (String[] file : new String[][] {{"INSTALL_SCALER_SH_B64", "install-scaler.sh"}, {"RUN_SCALER_SH_B64", "run-scaler.sh"},
                {"SERVICE_UNIT_B64", "vmss-runner-scaler.service"}, {"CADDYFILE_B64", "Caddyfile"}, {"LOGROTATE_CONF_B64", "logrotate.conf"},
                {"PROMETHEUS_YML_B64", "prometheus.yml"}, {"METRICS_UNIT_B64", "vmss-scaler-metrics.service"},
                {"METRICS_TOKEN_UNIT_B64", "vmss-scaler-metrics-token.service"}, {"METRICS_TOKEN_TIMER_B64", "vmss-scaler-metrics-token.timer"},
                {"METRICS_TOKEN_SH_B64", "metrics-token.sh"}, {"INSTALL_PROMETHEUS_SH_B64", "install-prometheus.sh"}}) {
            env.put(file[0], b64(Files.readString(Tools.DEPLOY.resolve("scaler").resolve(file[1]))));
        }

        Tools.Run first = Tools.run(List.of("bash", "deploy/scaler/configure-scaler.sh"), env);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("prometheus\n", Tools.ok(List.of(root.resolve("opt/vmss-scaler-metrics/prometheus").toString()), Map.of()));
        Path config = root.resolve("etc/vmss-runner-scaler/metrics/prometheus.yml");
        assertFalse(Files.readString(config).contains("__"), Files.readString(config));
        JsonNode yaml = Tools.yaml(config);
        JsonNode write = yaml.path("remote_write").path(0);
        assertEquals(REMOTE_WRITE, write.path("url").asText());
        assertEquals("client-4711", write.path("azuread").path("managed_identity").path("client_id").asText());
        assertEquals("AzurePublic", write.path("azuread").path("cloud").asText());
        JsonNode scrape = yaml.path("scrape_configs").path(0);
        assertEquals("127.0.0.1:8080", scrape.path("static_configs").path(0).path("targets").path(0).asText());
        assertEquals("/q/metrics", scrape.path("metrics_path").asText());
        assertEquals("Bearer", scrape.path("authorization").path("type").asText());
        for (String unit : List.of("vmss-scaler-metrics.service", "vmss-scaler-metrics-token.service", "vmss-scaler-metrics-token.timer")) {
            assertEquals(Files.readString(Tools.DEPLOY.resolve("scaler").resolve(unit)), Files.readString(root.resolve("etc/systemd/system").resolve(unit)));
        }
        assertTrue(Files.isExecutable(root.resolve("opt/vmss-runner-scaler/metrics-token.sh")));
        Path token = root.resolve("etc/vmss-runner-scaler/metrics/operator-token");
        assertEquals("", Files.readString(token), "the credential file is there, empty until the token is fetched");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals("daemon-reload\nenable vmss-runner-scaler.service\nrestart vmss-runner-scaler.service\nreload-or-restart caddy.service\n"
                + "start vmss-scaler-metrics-token.service\nenable --now vmss-scaler-metrics-token.timer\n"
                + "enable vmss-scaler-metrics.service\nrestart vmss-scaler-metrics.service\n", Files.readString(calls));

        // the same release again: not downloaded again (the release is gone), a token already fetched is kept
        Files.writeString(token, "fetched");
        deleteTree(release);
        Files.delete(calls);
        Tools.Run again = Tools.run(List.of("bash", "deploy/scaler/configure-scaler.sh"), env);
        assertEquals(0, again.exitCode(), again.output());
        assertFalse(again.output().contains("downloading"), again.output());
        assertEquals("fetched", Files.readString(token));

        // metrics off: the agent and its timer are stopped
        env.put("METRICS_REMOTE_WRITE_URL", "");
        Files.delete(calls);
        Tools.Run off = Tools.run(List.of("bash", "deploy/scaler/configure-scaler.sh"), env);
        assertEquals(0, off.exitCode(), off.output());
        assertEquals("daemon-reload\nenable vmss-runner-scaler.service\nrestart vmss-runner-scaler.service\nreload-or-restart caddy.service\n"
                + "disable --now vmss-scaler-metrics.service vmss-scaler-metrics-token.timer\n", Files.readString(calls));
    }

    @Test
    void logrotateCopiesAndTruncatesTheFileTheServiceKeepsOpen() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("log"));
        Path file = logs.resolve("scaler.json");
        Path conf = dir.resolve("logrotate.conf");
        Files.writeString(conf, Tools.read(Tools.DEPLOY.resolve("scaler/logrotate.conf"))
                .replace("/var/log/vmss-runner-scaler/scaler.json", file.toString()));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        // as systemd's StandardOutput=append: opens it for the service: O_APPEND, held open throughout
        try (FileOutputStream service = new FileOutputStream(file.toFile(), true)) {
            service.write("{\"message\":\"one\"}\n".getBytes(StandardCharsets.UTF_8));
            service.flush();
            Tools.ok(List.of(Files.isExecutable(Path.of("/usr/sbin/logrotate")) ? "/usr/sbin/logrotate" : "logrotate", "-f", "-s", dir.resolve("logrotate.state").toString(), conf.toString()), Map.of());
            service.write("{\"message\":\"two\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"message\":\"one\"}\n", Files.readString(logs.resolve("scaler.json.1")), "the copy");
        assertEquals("{\"message\":\"two\"}\n", Files.readString(file),
                "after the truncation the service's next line starts the file again (no hole of NUL bytes)");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** A release directory as GitHub serves it: v{VERSION}/{PACKAGE}.tar.gz and sha256sums.txt. */
    private Path release(String binary) throws Exception {
        Path content = Files.createDirectories(dir.resolve("pkg/" + PACKAGE));
        Files.writeString(content.resolve("prometheus"), binary);
        assertTrue(content.resolve("prometheus").toFile().setExecutable(true));
        Files.writeString(content.resolve("promtool"), "#!/bin/sh\n");
        Path version = Files.createDirectories(dir.resolve("release/v" + VERSION));
        Path tarball = version.resolve(PACKAGE + ".tar.gz");
        Tools.ok(List.of("tar", "-czf", tarball.toString(), "-C", dir.resolve("pkg").toString(), PACKAGE), Map.of());
        Files.writeString(version.resolve("sha256sums.txt"), "cd".repeat(32) + "  prometheus-" + VERSION + ".darwin-arm64.tar.gz\n"
                + sha256(tarball) + "  " + PACKAGE + ".tar.gz\n");
        return dir.resolve("release");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The instance metadata service's token endpoint and a Key Vault's secret endpoint, on 127.0.0.1. */
    private static final class FakeVault implements AutoCloseable {
        static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi.access-token-for-vault";

        record Seen(String uri, String metadata, String authorization) {}

        final List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Deque<String[]> answers = new ArrayDeque<>();
        private final HttpServer server;

        private FakeVault(HttpServer server) {
            this.server = server;
        }

        static FakeVault start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeVault fake = new FakeVault(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized void answer(int status, String body) {
            answers.add(new String[] {String.valueOf(status), body});
        }

        private synchronized void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String uri = exchange.getRequestURI().toString();
                seen.add(new Seen(uri, exchange.getRequestHeaders().getFirst("Metadata"), exchange.getRequestHeaders().getFirst("Authorization")));
                int status;
                String body;
                if (uri.startsWith("/metadata/identity/oauth2/token")) {
                    status = "true".equals(exchange.getRequestHeaders().getFirst("Metadata")) ? 200 : 400;
                    body = "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":\"86399\",\"resource\":\"https://vault.azure.net\","
                            + "\"token_type\":\"Bearer\"}";
                } else if (uri.startsWith("/secrets/") && ("Bearer " + ACCESS_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    String[] answer = answers.isEmpty() ? new String[] {"500", "{}"} : answers.poll();
                    status = Integer.parseInt(answer[0]);
                    body = answer[1];
                } else {
                    status = 401;
                    body = "{\"error\":{\"code\":\"Unauthorized\"}}";
                }
                byte[] out = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, out.length);
                exchange.getResponseBody().write(out);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
