package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar started as a newcomer starts it (issue 18): with no settings, or with a pool
 * missing a key, it prints one paragraph that lists every problem with its environment variable
 * and exits 1, with no stack trace; with the documented demo switch it serves the simulated pool.
 * A plain process in an empty directory and a bare environment, so that nothing of the build's
 * configuration leaks in.
 */
class PackagedStartupIT {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path home;

    private record Run(int exit, String output) {}

    private ProcessBuilder java(List<String> properties) {
        assertTrue(Files.isRegularFile(JAR), "package the application first: " + JAR);
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", home.toString());
        return builder;
    }

    private Run runToEnd(List<String> properties) throws Exception {
        Process process = java(properties).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the scaler did not stop on a bad configuration");
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes()));
    }

    private static void assertOneParagraphWithoutATrace(Run run) {
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().startsWith("Invalid configuration ("), run.output());
        assertFalse(run.output().contains("Exception"), () -> "an exception's name: " + run.output());
        assertTrue(run.output().lines().noneMatch(l -> l.matches("\\s+at [\\w.$]+\\(.*")), () -> "a stack trace: " + run.output());
        assertTrue(run.output().lines().noneMatch(String::isBlank), () -> "one paragraph: " + run.output());
        assertTrue(run.output().contains("-Dquarkus.profile=demo"), "the way to the demo");
    }

    @Test
    void withNoSettingsItListsWhatIsMissingAndExits1() throws Exception {
        Run run = runToEnd(List.of());
        assertOneParagraphWithoutATrace(run);
        assertEquals(List.of("SCALER_AZURE_QUEUE_SERVICE_URL", "SCALER_AZURE_KEY_VAULT_URL", "SCALER_POOLS"), variables(run));
    }

    @Test
    void aPoolMissingItsLabelsMaxAndScopeIsOneListInOneFormat() throws Exception {
        Run run = runToEnd(List.of("-Dscaler.cloud=simulated", "-Dscaler.pools.linux.min=1"));
        assertOneParagraphWithoutATrace(run);
        assertTrue(run.output().startsWith("Invalid configuration (4 problems)"), run.output());
        assertEquals(List.of("SCALER_GITHUB_WEBHOOK_SECRET", "SCALER_POOLS_LINUX_MAX", "SCALER_POOLS_LINUX_LABELS",
                "SCALER_POOLS_LINUX_SCOPE"), variables(run));
    }

    @Test
    void theDemoSwitchServesTheSimulatedPool() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = home.resolve("demo.log");
        Process process = java(List.of("-Dquarkus.profile=demo", "-Dquarkus.http.port=" + port))
                .redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI pools = URI.create("http://localhost:" + port + "/pools");
            JsonNode answer = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(pools).build(),
                            HttpResponse.BodyHandlers.ofString()).body()), a -> a.isArray() && a.size() == 1);
            assertEquals("linux", answer.get(0).path("name").asText(), answer::toString);
            String output = Files.readString(log);
            assertTrue(output.contains("Profile demo activated"), output);
            assertTrue(output.contains("simulator: demo workload on"), output);
            assertFalse(output.contains("WARN"), () -> "the demo starts without a warning: " + output);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The environment variables the paragraph names, in its order. */
    private static List<String> variables(Run run) {
        return run.output().lines().filter(l -> l.startsWith("  - "))
                .map(l -> l.replaceFirst("^  - \\S+ \\(([A-Z0-9_]+)\\):.*$", "$1")).toList();
    }
}
