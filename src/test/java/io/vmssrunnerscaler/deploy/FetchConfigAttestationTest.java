package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/runner/fetch-config.sh run with bash against {@link FakeScalerAndImds}, which answers as the
 * scaler's nonce and jitconfig endpoints and as Azure's instance metadata service: the VM proves
 * which instance it is with an attested document for a nonce the scaler gave, a new nonce for every
 * try, and stops at a refusal.
 */
class FetchConfigAttestationTest {
    private static final Path SCRIPT = Tools.DEPLOY.resolve("runner/fetch-config.sh");
    private static final String NAME = "linux000003";

    @TempDir
    Path dir;

    private FakeScalerAndImds fake;
    private Path runnerDir;
    private Path tmp;

    @BeforeEach
    void start() throws IOException {
        tmp = Files.createDirectories(dir.resolve("tmp"));
        fake = FakeScalerAndImds.start(tmp);
        runnerDir = Files.createDirectories(dir.resolve("actions-runner"));
        Files.writeString(runnerDir.resolve("run.sh"), "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/run.args\"\n");
        runnerDir.resolve("run.sh").toFile().setExecutable(true);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void theVmSendsTheAttestedDocumentForTheScalersNonceAndBecomesTheRunner() throws Exception {
        // a proxy that does not exist: the scaler (127.0.0.1) is exempt, IMDS (localhost) must bypass it itself
        Tools.Run boot = boot(Map.of("http_proxy", "http://127.0.0.1:" + closedPort(), "no_proxy", "127.0.0.1",
                "IMDS_URL", "http://localhost:" + fake.port()));
        assertEquals(0, boot.exitCode(), boot.output());

        assertEquals(List.of("POST /runners/" + NAME + "/nonce", "GET /metadata/attested/document",
                "POST /runners/" + NAME + "/jitconfig"), fake.calls());
        FakeScalerAndImds.Request imds = fake.requests("/metadata/attested/document").get(0);
        assertEquals("true", imds.header("Metadata"));
        assertEquals(Map.of("api-version", "2020-09-01", "nonce", fake.nonces().get(0)), imds.query());
        FakeScalerAndImds.Request jit = fake.requests("/jitconfig").get(0);
        assertArrayEquals(fake.documents().get(0), jit.body(), "the jitconfig body must be the IMDS answer byte for byte");
        assertEquals("application/json", jit.header("Content-Type"));
        assertEquals("text/plain", jit.header("Accept"));
        assertEquals("text/plain", fake.requests("/nonce").get(0).header("Accept"));

        assertEquals("--jitconfig jit-1", runArgs());
        String env = Files.readString(runnerDir.resolve(".env"));
        assertTrue(env.contains("ACTIONS_RUNNER_HOOK_JOB_STARTED=") && env.contains("VMSS_RUNNER_SCALER_URL=" + fake.url()), env);
        assertEquals("Authorization: Bearer hook-1\n", Files.readString(dir.resolve("state/hook-auth-header")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/hook-auth-header"))));
        assertFalse(boot.output().contains("jit-1") || boot.output().contains("hook-1"), "a secret was logged:\n" + boot.output());

        // while the scaler read the document, it lay in a directory and a file of root's alone; gone now
        assertEquals(List.of("directory rwx------", "attested-document.json rw-------"), fake.documentFileModes());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "temporary files left behind");
        }
    }

    @Test
    void everyRetryAfterTheScalerIsNotReadyHasANewNonceAndDocument() throws Exception {
        fake.answerNonce(429, "slow down");
        fake.answerJitconfig(503, "{\"outcome\":\"github-failed\"}");
        fake.answerJitconfig(404, "{\"outcome\":\"unknown-instance\"}");
        Tools.Run boot = boot(Map.of());
        assertEquals(0, boot.exitCode(), boot.output());

        assertEquals(4, fake.requests("/nonce").size(), fake.calls().toString());
        List<FakeScalerAndImds.Request> imds = fake.requests("/metadata/attested/document");
        List<FakeScalerAndImds.Request> jit = fake.requests("/jitconfig");
        assertEquals(3, imds.size());
        assertEquals(3, jit.size());
        assertEquals(3, fake.nonces().size());
        assertEquals(3, fake.nonces().stream().distinct().count(), "a nonce was issued twice: " + fake.nonces());
        for (int i = 0; i < 3; i++) {
            assertEquals(fake.nonces().get(i), imds.get(i).query().get("nonce"), "try " + (i + 1) + " asked IMDS for an old nonce");
            assertArrayEquals(fake.documents().get(i), jit.get(i).body(), "try " + (i + 1) + " sent an old document");
        }
        assertEquals("--jitconfig jit-1", runArgs());
    }

    @Test
    void aNonceTheScalerCallsExpiredOrUnknownIsReplacedAFewTimes() throws Exception {
        fake.answerJitconfig(401, "{\"outcome\":\"nonce-expired\",\"reason\":\"nonce older than 60 s\"}");
        fake.answerJitconfig(401, "{\"outcome\":\"nonce-unknown\"}");
        Tools.Run boot = boot(Map.of());
        assertEquals(0, boot.exitCode(), boot.output());
        assertEquals(3, fake.nonces().stream().distinct().count(), fake.calls().toString());
        assertNotEquals(fake.nonces().get(0), fake.requests("/metadata/attested/document").get(1).query().get("nonce"));
        assertArrayEquals(fake.documents().get(2), fake.requests("/jitconfig").get(2).body());
        assertTrue(boot.output().contains("nonce older than 60 s"), boot.output());
        assertEquals("--jitconfig jit-1", runArgs());

        // bounded: the scaler that never takes a nonce is given up on
        fake.close();
        fake = FakeScalerAndImds.start(tmp);
        for (int i = 0; i < 5; i++) {
            fake.answerJitconfig(401, "{\"outcome\":\"nonce-unknown\"}");
        }
        Files.delete(runnerDir.resolve("run.args"));
        Tools.Run stuck = boot(Map.of("NONCE_RENEWALS", "2"));
        assertEquals(1, stuck.exitCode(), stuck.output());
        assertEquals(3, fake.requests("/jitconfig").size(), "two renewals, then no more: " + fake.calls());
        assertTrue(stuck.output().contains("scaler refused the configuration (401)"), stuck.output());
        assertFalse(Files.exists(runnerDir.resolve("run.args")));
    }

    @Test
    void aRefusedDocumentStopsTheBootWithTheReasonAndNoRetry() throws Exception {
        fake.answerJitconfig(403, "{\"outcome\":\"wrong-instance\",\"reason\":\"the document is for vmId 1111, not linux000003\"}");
        Tools.Run foreign = boot(Map.of());
        assertEquals(1, foreign.exitCode(), foreign.output());
        assertTrue(foreign.output().contains("scaler refused the configuration (403)")
                && foreign.output().contains("the document is for vmId 1111, not linux000003"), foreign.output());
        assertEquals(1, fake.requests("/jitconfig").size(), "a 403 must not be retried: " + fake.calls());
        assertFalse(Files.exists(runnerDir.resolve("run.args")), "the runner started without a configuration");

        // a 401 for any other reason than the nonce's age is as final
        fake.answerJitconfig(401, "{\"outcome\":\"bad-signature\"}");
        Tools.Run forged = boot(Map.of());
        assertEquals(1, forged.exitCode(), forged.output());
        assertTrue(forged.output().contains("bad-signature"), forged.output());
        assertEquals(2, fake.requests("/jitconfig").size(), fake.calls().toString());
        assertFalse(Files.exists(runnerDir.resolve("run.args")));
    }

    @Test
    void aScalerWithoutAttestationGetsTheJitconfigRequestWithoutABody() throws Exception {
        fake.answerNonce(404, "{\"outcome\":\"attestation-off\"}");
        Tools.Run boot = boot(Map.of());
        assertEquals(0, boot.exitCode(), boot.output());
        assertEquals(List.of("POST /runners/" + NAME + "/nonce", "POST /runners/" + NAME + "/jitconfig"), fake.calls());
        FakeScalerAndImds.Request jit = fake.requests("/jitconfig").get(0);
        assertEquals(0, jit.body().length);
        assertEquals(null, jit.header("Content-Type"));
        assertTrue(boot.output().contains("attestation-off"), boot.output());
        assertEquals("--jitconfig jit-1", runArgs());
    }

    @Test
    void aPlain404ToTheNonceIsRetriedNotTakenForAttestationOff() throws Exception {
        fake.answerNonce(404, "{\"outcome\":\"unknown-instance\"}");
        Tools.Run boot = boot(Map.of());
        assertEquals(0, boot.exitCode(), boot.output());
        assertEquals(2, fake.requests("/nonce").size());
        assertArrayEquals(fake.documents().get(0), fake.requests("/jitconfig").get(0).body());
    }

    @Test
    void anUnreachableMetadataServiceEndsTheBootAfterAFewTries() throws Exception {
        Tools.Run boot = boot(Map.of("IMDS_URL", "http://127.0.0.1:" + closedPort(), "IMDS_ATTEMPTS", "3"));
        assertEquals(1, boot.exitCode(), boot.output());
        assertTrue(boot.output().contains("try 3 of 3") && !boot.output().contains("try 4"), boot.output());
        assertTrue(boot.output().contains("no attested document from the instance metadata service at http://127.0.0.1:"),
                boot.output());
        assertEquals(List.of("POST /runners/" + NAME + "/nonce"), fake.calls(), "nothing may go to the jitconfig endpoint");
        assertFalse(Files.exists(runnerDir.resolve("run.args")));
    }

    @Test
    void asRootTheRunnerStartsAsTheRunnerUserWhoOwnsTheHookCredential() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Files.writeString(bin.resolve("runuser"), "#!/bin/bash\necho \"runuser $*\" >> " + calls + "\nshift 3\nexec \"$@\"\n");
        Files.writeString(bin.resolve("chown"), "#!/bin/bash\necho \"chown $*\" >> " + calls + "\n");
        for (String tool : List.of("runuser", "chown")) {
            bin.resolve(tool).toFile().setExecutable(true);
        }
        // a name no test machine runs as (GitHub's hosted runners run as "runner")
        Tools.Run boot = boot(Map.of("RUNNER_USER", "vmss-test-runner", "PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, boot.exitCode(), boot.output());
        Path state = dir.resolve("state");
        assertEquals("chown vmss-test-runner: " + state + " " + state.resolve("hook-auth-header") + "\n"
                + "runuser -u vmss-test-runner -- ./run.sh --jitconfig jit-1\n", Files.readString(calls));
        assertEquals("--jitconfig jit-1", runArgs());
    }

    private Tools.Run boot(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("SCALER_URL", fake.url(), "RUNNER_NAME", NAME,
                "RUNNER_DIR", runnerDir.toString(), "STATE_DIR", dir.resolve("state").toString(),
                "HOOKS_DIR", Tools.DEPLOY.resolve("runner").toString(), "TMPDIR", tmp.toString(),
                "ATTEMPTS", "5", "RETRY_SECONDS", "0", "IMDS_RETRY_SECONDS", "0", "IMDS_URL", fake.url()));
        env.putAll(extra);
        return Tools.run(List.of("bash", SCRIPT.toString()), env);
    }

    private String runArgs() throws IOException {
        return Files.readString(runnerDir.resolve("run.args")).trim();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
