package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@TestProfile(RegistrationTokenProfile.class)
class RegistrationTokenTest {
    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aVmGetsATokenUrlAndLabels() {
        Listed.await(runtime, () -> instances().size(), 2);
        String name = instances().get(0).name();
        Attested.jitconfig(name, instances().get(0).vmId()).statusCode(200)
                .body("registrationToken", startsWith("SIMREG")).body("url", equalTo("https://github.com/octo-org/app"))
                .body("labels", equalTo(String.join(",", runtime.scaler().loop("linux").orElseThrow().pool().labels())))
                .body("encodedJitConfig", nullValue());
    }

    @Test
    void theBootScriptRegistersAnEphemeralRunner(@TempDir Path vm) throws Exception {
        Listed.await(runtime, () -> instances().size(), 2);
        String name = instances().get(1).name();
        Files.writeString(vm.resolve("config.sh"), "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/config.args\"\n");
        Files.writeString(vm.resolve("run.sh"), "#!/bin/bash\necho started > \"$(dirname \"$0\")/run.args\"\n");
        vm.resolve("config.sh").toFile().setExecutable(true);
        vm.resolve("run.sh").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("deploy/runner/fetch-config.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        try (FakeImds imds = FakeImds.start(TestAttestation.trustedSigner())) {
            imds.serve(name, instances().get(1).vmId(), Attested.SIMULATED);
            pb.environment().putAll(java.util.Map.of("SCALER_URL", "http://127.0.0.1:" + port, "RUNNER_NAME", name,
                    "RUNNER_DIR", vm.toString(), "STATE_DIR", vm.resolve("state").toString(),
                    "IMDS_URL", imds.baseUriFor(name).toString()));
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        }
        String config = Files.readString(vm.resolve("config.args")).trim();
        assertTrue(config.matches("--unattended --ephemeral --replace --name " + name
                + " --url https://github.com/octo-org/app --token SIMREG\\S+ --labels \\S*linux\\S*"), config);
        assertEquals("started", Files.readString(vm.resolve("run.args")).trim());
    }

    private List<Instance> instances() {
        return List.copyOf(runtime.scaler().loop("linux").orElseThrow().state().instances().values());
    }
}
