package io.vmssrunnerscaler.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/runner's scripts, run with bash against the running service, as cloud-init and the runner run them. */
@QuarkusTest
@TestProfile(ManualRunnersProfile.class)
class RunnerScriptsTest {
    static final Path SCRIPTS = Path.of("deploy/runner").toAbsolutePath();

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @TempDir
    Path vm;

    /** Every VM's instance metadata service, signing with the authority the test profile trusts. */
    static FakeImds imds;

    @BeforeAll
    static void startImds() {
        imds = FakeImds.start(TestAttestation.trustedSigner());
    }

    @AfterAll
    static void stopImds() {
        imds.close();
    }

    record Run(int exitCode, String output, long millis) {}

    @Test
    void bootFetchesTheConfigurationStartsTheRunnerAndTheHooksReportTheJob() throws Exception {
        Listed.await(runtime, () -> instances().size(), 5);
        String name = instances().get(3).name();
        imds.serve(name, instances().get(3).vmId(), Attested.SIMULATED);
        Path runnerDir = Files.createDirectories(vm.resolve("actions-runner"));
        Path state = vm.resolve("state");
        Files.writeString(runnerDir.resolve("run.sh"), "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/run.args\"\n");
        runnerDir.resolve("run.sh").toFile().setExecutable(true);

        Run boot = bash(SCRIPTS.resolve("fetch-config.sh"), Map.of("SCALER_URL", scaler(), "RUNNER_NAME", name,
                "RUNNER_DIR", runnerDir.toString(), "STATE_DIR", state.toString(), "RETRY_SECONDS", "1",
                "IMDS_URL", imds.baseUriFor(name).toString()));
        assertEquals(0, boot.exitCode(), boot.output());
        String args = Files.readString(runnerDir.resolve("run.args")).trim();
        assertTrue(args.matches("--jitconfig sim-jit-\\S+"), args);
        String env = Files.readString(runnerDir.resolve(".env"));
        assertTrue(env.contains("ACTIONS_RUNNER_HOOK_JOB_STARTED=" + SCRIPTS.resolve("job-started.sh")), env);
        assertTrue(env.contains("ACTIONS_RUNNER_HOOK_JOB_COMPLETED=" + SCRIPTS.resolve("job-completed.sh")), env);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(state.resolve("hook-auth-header")));
        assertTrue(!boot.output().contains(args.substring("--jitconfig ".length())), "the JIT config was logged");
        assertEquals(Phase.IDLE, phase(name));

        Map<String, String> hookEnv = Map.of("VMSS_RUNNER_SCALER_URL", scaler(), "VMSS_RUNNER_STATE_DIR", state.toString(),
                "RUNNER_NAME", name);
        assertEquals(0, bash(SCRIPTS.resolve("job-started.sh"), hookEnv).exitCode());
        await().until(() -> phase(name) == Phase.BUSY);
        assertEquals(0, bash(SCRIPTS.resolve("job-completed.sh"), hookEnv).exitCode());
        await().until(() -> phase(name) == Phase.FINISHING);
    }

    /**
     * A job on one runner runs the boot script naming a sibling that is still booting: its own
     * metadata service signs for its own VM, so the scaler refuses, and the sibling still gets its
     * configuration afterwards.
     */
    @Test
    void aJobOnAnotherRunnerCannotTakeABootingSiblingsConfiguration() throws Exception {
        Listed.await(runtime, () -> instances().size(), 5);
        Instance victim = instances().get(4);
        Instance thief = instances().get(2);
        imds.serve("thief-of-" + victim.name(), thief.vmId(), Attested.SIMULATED);
        Path runnerDir = Files.createDirectories(vm.resolve("actions-runner"));
        Files.writeString(runnerDir.resolve("run.sh"), "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/run.args\"\n");
        runnerDir.resolve("run.sh").toFile().setExecutable(true);

        Run theft = bash(SCRIPTS.resolve("fetch-config.sh"), Map.of("SCALER_URL", scaler(), "RUNNER_NAME", victim.name(),
                "RUNNER_DIR", runnerDir.toString(), "STATE_DIR", vm.resolve("state").toString(), "RETRY_SECONDS", "0",
                "IMDS_URL", imds.baseUriFor("thief-of-" + victim.name()).toString()));
        assertEquals(1, theft.exitCode(), theft.output());
        assertTrue(theft.output().contains("wrong-instance"), theft.output());
        assertTrue(!Files.exists(runnerDir.resolve("run.args")), "the thief's runner started");
        assertEquals(Phase.PROVISIONING, phase(victim.name()));

        Attested.jitconfig(victim.name(), victim.vmId()).statusCode(200);
    }

    @Test
    void hooksNeverFailTheJobWhenTheScalerIsUnreachableOrNotSetUp() throws Exception {
        Path state = Files.createDirectories(vm.resolve("state"));
        Files.writeString(state.resolve("hook-auth-header"), "Authorization: Bearer v1.x.y\n");
        Run unreachable = bash(SCRIPTS.resolve("job-started.sh"), Map.of("VMSS_RUNNER_SCALER_URL", "http://127.0.0.1:9",
                "VMSS_RUNNER_STATE_DIR", state.toString(), "RUNNER_NAME", "nobody000001"));
        assertEquals(0, unreachable.exitCode(), unreachable.output());
        assertTrue(unreachable.output().contains("could not be told"), unreachable.output());
        assertTrue(unreachable.millis() < 20_000, "the hook took " + unreachable.millis() + " ms");

        Run refused = bash(SCRIPTS.resolve("job-completed.sh"), Map.of("VMSS_RUNNER_SCALER_URL", scaler(),
                "VMSS_RUNNER_STATE_DIR", state.toString(), "RUNNER_NAME", "nobody000001"));
        assertEquals(0, refused.exitCode(), "a 401 from the scaler must not fail the job");

        Run notSetUp = bash(SCRIPTS.resolve("job-started.sh"), Map.of("VMSS_RUNNER_STATE_DIR", vm.resolve("none").toString()));
        assertEquals(0, notSetUp.exitCode());
        assertTrue(notSetUp.output().contains("skipping"), notSetUp.output());
    }

    @Test
    void bootGivesUpAfterItsAttemptsWhenTheInstanceIsUnknown() throws Exception {
        imds.serve("stranger000001", "0f6e4c1a-9d0b-4c6e-8e57-000000000001", Attested.SIMULATED);
        Run boot = bash(SCRIPTS.resolve("fetch-config.sh"), Map.of("SCALER_URL", scaler(), "RUNNER_NAME", "stranger000001",
                "RUNNER_DIR", vm.toString(), "STATE_DIR", vm.resolve("state").toString(), "ATTEMPTS", "2", "RETRY_SECONDS", "0",
                "IMDS_URL", imds.baseUriFor("stranger000001").toString()));
        assertEquals(1, boot.exitCode(), boot.output());
        assertTrue(boot.output().contains("no configuration after 2 attempts"), boot.output());
    }

    private String scaler() {
        return "http://127.0.0.1:" + port;
    }

    private static Run bash(Path script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish within 60 s");
        }
        String output = new String(p.getInputStream().readAllBytes());
        return new Run(p.exitValue(), output, (System.nanoTime() - start) / 1_000_000);
    }

    private List<Instance> instances() {
        return List.copyOf(runtime.scaler().loop("linux").orElseThrow().state().instances().values());
    }

    private Phase phase(String name) {
        return runtime.scaler().loop("linux").orElseThrow().state().byName(name).orElseThrow().phase();
    }
}
