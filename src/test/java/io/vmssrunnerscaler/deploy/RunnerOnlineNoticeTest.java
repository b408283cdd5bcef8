package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner VM tells the scaler once that its runner is online at GitHub: deploy/runner/fetch-config.sh
 * passes the runner's output through a reader that calls {@code notify-scaler.sh online} at the first
 * "Listening for Jobs" ({@code POST /runners/{name}/online} with the hook credential), while the runner
 * stays the service's main process, keeps its exit status, gets systemd's SIGTERM itself and has its
 * last words passed on. Run with bash against {@link FakeScalerAndImds} and a stand-in run.sh.
 */
class RunnerOnlineNoticeTest {
    private static final Path SCRIPT = Tools.DEPLOY.resolve("runner/fetch-config.sh");
    private static final String NAME = "linux000007";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * fetch-config.sh as systemd runs it: its output (both streams) read to the end by another process, as
     * journald reads a unit's stream until every writer closed it (the JDK instead stops reading a child's
     * output when the child itself exits). The exit status is the script's.
     */
    private static final List<String> SERVICE = List.of("bash", "-c", "bash \"$0\" 2>&1 | cat; exit \"${PIPESTATUS[0]}\"", SCRIPT.toString());

    @TempDir
    Path dir;

    private FakeScalerAndImds fake;
    private Path runnerDir;

    @BeforeEach
    void start() throws IOException {
        fake = FakeScalerAndImds.start(Files.createDirectories(dir.resolve("tmp")));
        runnerDir = Files.createDirectories(dir.resolve("actions-runner"));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void theScalerIsToldOnceWhenTheRunnerListensAndTheRunnersExitStatusAndOutputAreKept() throws Exception {
        runner("echo 'Connected to GitHub'\n"
                + "echo \"Current runner version: '2.330.0'\"\n"
                + "echo 'a warning' >&2\n"
                + "echo '2026-12-06 12:00:01Z: Listening for Jobs'\n"
                + "echo '2026-12-06 12:00:09Z: Running job: build'\n"
                + "echo '2026-12-06 12:00:30Z: Job build completed with result: Succeeded'\n"
                + "echo '2026-12-06 12:00:31Z: Listening for Jobs'\n"
                + "printf 'last words without a newline'\n"
                + "exit 3\n");
        Tools.Run boot = Tools.run(SERVICE, env());

        assertEquals(3, boot.exitCode(), "the runner's exit status must be the service's:\n" + boot.output());
        List<String> lines = boot.output().lines().toList();
        assertInOrder(lines, "Connected to GitHub", "Current runner version: '2.330.0'", "2026-12-06 12:00:01Z: Listening for Jobs",
                "2026-12-06 12:00:09Z: Running job: build", "2026-12-06 12:00:30Z: Job build completed with result: Succeeded",
                "2026-12-06 12:00:31Z: Listening for Jobs", "last words without a newline");
        assertTrue(lines.contains("a warning"), "the runner's standard error goes on as before:\n" + boot.output());

        List<FakeScalerAndImds.Request> online = fake.awaitRequests("/online", 1, WAIT);
        assertEquals(1, online.size(), "told once, however often the runner listens again: " + fake.calls());
        assertEquals("POST", online.get(0).method());
        assertEquals("/runners/" + NAME + "/online", online.get(0).path());
        assertEquals("Bearer hook-1", online.get(0).header("Authorization"));
        assertEquals(List.of("POST /runners/" + NAME + "/nonce", "GET /metadata/attested/document",
                "POST /runners/" + NAME + "/jitconfig", "POST /runners/" + NAME + "/online"), fake.calls());
        assertFalse(boot.output().contains("hook-1"), "the hook token was logged:\n" + boot.output());
    }

    @Test
    void aRunnerThatNeverListensSendsNoNoticeAndItsFailureStands() throws Exception {
        runner("echo 'An error occurred: Not configured' >&2\nexit 1\n");
        Tools.Run boot = Tools.run(SERVICE, env());
        assertEquals(1, boot.exitCode(), boot.output());
        assertTrue(boot.output().contains("An error occurred: Not configured"), boot.output());
        // the output ended (Tools.run read it to the end), so the reader is gone: no notice can come later
        assertEquals(List.of(), fake.requests("/online"), fake.calls().toString());
    }

    @Test
    void aNoticeTheScalerDoesNotTakeStillSucceedsAndOnlyKnownNoticesAreSent() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("hook-auth-header"), "Authorization: Bearer hook-1\n");
        String gone;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            gone = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Tools.Run notice = Tools.run(List.of("bash", Tools.DEPLOY.resolve("runner/notify-scaler.sh").toString(), "online"),
                Map.of("VMSS_RUNNER_SCALER_URL", gone, "VMSS_RUNNER_STATE_DIR", state.toString(), "RUNNER_NAME", NAME));
        assertEquals(0, notice.exitCode(), "a notice always succeeds: " + notice.output());
        assertTrue(notice.output().contains("could not be told (online)"), notice.output());

        Tools.Run unknown = Tools.run(List.of("bash", Tools.DEPLOY.resolve("runner/notify-scaler.sh").toString(), "offline"),
                Map.of("VMSS_RUNNER_SCALER_URL", fake.url(), "VMSS_RUNNER_STATE_DIR", state.toString()));
        assertEquals(2, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("job-started|job-completed|online"), unknown.output());
        assertEquals(List.of(), fake.calls());
    }

    @Test
    void theRunnerIsTheMainProcessGetsSigtermItselfAndItsLastLinesAreKept() throws Exception {
        Path pidFile = dir.resolve("runner.pid");
        runner("echo $$ > " + pidFile + "\n"
                + "tail -f /dev/null >/dev/null 2>&1 &\n"
                + "idle=$!\n"
                + "trap 'kill $idle 2>/dev/null; echo \"runner: stopping on SIGTERM\"; exit 0' TERM\n"
                + "echo 'Listening for Jobs'\n"
                + "wait $idle\n");
        ProcessBuilder pb = new ProcessBuilder(SERVICE).redirectErrorStream(true).directory(Tools.ROOT.toFile());
        pb.environment().putAll(env());
        Process service = pb.start();
        service.getOutputStream().close();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("read failed: " + e);
            }
            output.add("<end>");
        });
        drain.start();
        try {
            List<String> seen = new ArrayList<>();
            awaitLine(output, seen, "Listening for Jobs");
            fake.awaitRequests("/online", 1, WAIT);
            // exec: the runner has the PID systemd started (the script's), so systemd's signals reach it directly
            ProcessHandle runner = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
            assertEquals(service.pid(), runner.parent().orElseThrow().pid(), "run.sh must replace fetch-config.sh, not run under it");

            // systemd stops the unit: SIGTERM to every process of it (KillMode=control-group), the reader included;
            // not to cat, which stands for journald (ProcessHandle.destroy sends SIGTERM and nothing else)
            service.descendants().filter(p -> !p.info().command().orElse("").endsWith("/cat")).forEach(ProcessHandle::destroy);
            assertTrue(service.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the runner did not stop on SIGTERM");
            awaitLine(output, seen, "<end>");
            assertEquals(0, service.exitValue(), "the runner's own exit status on SIGTERM: " + seen);
            assertTrue(seen.contains("runner: stopping on SIGTERM"), "the runner's last line was lost: " + seen);
            assertEquals(1, fake.requests("/online").size(), fake.calls().toString());
        } finally {
            service.descendants().forEach(ProcessHandle::destroyForcibly);
            service.destroyForcibly();
            drain.join(WAIT.toMillis());
        }
    }

    private void runner(String body) throws IOException {
        Path run = runnerDir.resolve("run.sh");
        Files.writeString(run, "#!/bin/bash\n" + body);
        assertTrue(run.toFile().setExecutable(true));
    }

    private Map<String, String> env() {
        return new HashMap<>(Map.of("SCALER_URL", fake.url(), "RUNNER_NAME", NAME, "RUNNER_DIR", runnerDir.toString(),
                "STATE_DIR", dir.resolve("state").toString(), "HOOKS_DIR", Tools.DEPLOY.resolve("runner").toString(),
                "TMPDIR", dir.resolve("tmp").toString(), "ATTEMPTS", "3", "RETRY_SECONDS", "0", "IMDS_RETRY_SECONDS", "0",
                "IMDS_URL", fake.url()));
    }

    private static void awaitLine(BlockingQueue<String> output, List<String> seen, String wanted) throws InterruptedException {
        while (true) {
            String line = output.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no line '" + wanted + "' within " + WAIT + ": " + seen);
            }
            seen.add(line);
            if (line.contains(wanted)) {
                return;
            }
            if (line.equals("<end>")) {
                throw new AssertionError("the output ended before '" + wanted + "': " + seen);
            }
        }
    }

    private static void assertInOrder(List<String> lines, String... expected) {
        int from = 0;
        for (String e : expected) {
            int at = lines.subList(from, lines.size()).indexOf(e);
            assertTrue(at >= 0, "'" + e + "' missing or out of order in " + lines);
            from += at + 1;
        }
    }
}
