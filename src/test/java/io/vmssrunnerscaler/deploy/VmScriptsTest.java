package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts cloud-init runs on the VMs, run with bash in a scratch directory: installing the
 * runner, installing the scaler (native or JVM build, checksum), starting the scaler.
 */
class VmScriptsTest {
    @TempDir
    Path dir;

    @Test
    void installRunnerUnpacksTheNewestCachedRunnerAndLeavesAnInstalledOneAlone() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("runner-cache"));
        tarGz(cache.resolve("actions-runner-linux-x64-2.9.0.tar.gz"), "old");
        tarGz(cache.resolve("actions-runner-linux-x64-2.10.0.tar.gz"), "new");
        Path runnerDir = dir.resolve("actions-runner");
        Map<String, String> env = Map.of("RUNNER_DIR", runnerDir.toString(), "RUNNER_CACHE_DIR", cache.toString());

        Tools.Run first = Tools.run(List.of("bash", "deploy/runner/install-runner.sh"), env);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("new\n", Files.readString(runnerDir.resolve("run.sh")).lines().skip(1).findFirst().orElse("") + "\n");

        Files.delete(cache.resolve("actions-runner-linux-x64-2.10.0.tar.gz"));
        Tools.Run again = Tools.run(List.of("bash", "deploy/runner/install-runner.sh"), env);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("already installed"), again.output());
    }

    @Test
    void installRunnerWithoutACacheNeedsAPinnedVersionAndChecksum() {
        Tools.Run run = Tools.run(List.of("bash", "deploy/runner/install-runner.sh"), Map.of("RUNNER_DIR",
                dir.resolve("r").toString(), "RUNNER_CACHE_DIR", dir.resolve("none").toString(), "RUNNER_VERSION", "2.330.0"));
        assertFalse(run.ok(), run.output());
        assertTrue(run.output().contains("RUNNER_SHA256 is required"), run.output());
    }

    @Test
    void installScalerInstallsTheNativeBinaryWhenItsChecksumMatches() throws Exception {
        Path artifact = dir.resolve("vmss-runner-scaler-linux-x64");
        Files.writeString(artifact, "#!/bin/sh\necho native \"$@\"\n");
        Path install = dir.resolve("opt");
        Tools.Run wrong = Tools.run(List.of("bash", "deploy/scaler/install-scaler.sh"), Map.of("SCALER_ARTIFACT_URL",
                artifact.toUri().toString(), "SCALER_ARTIFACT_SHA256", "00".repeat(32), "INSTALL_DIR", install.toString(),
                "STATE_DIR", dir.resolve("state").toString()));
        assertFalse(wrong.ok(), "a wrong checksum must stop the installation: " + wrong.output());
        assertFalse(Files.exists(install.resolve("vmss-runner-scaler")));

        Tools.Run right = Tools.run(List.of("bash", "deploy/scaler/install-scaler.sh"), Map.of("SCALER_ARTIFACT_URL",
                artifact.toUri().toString(), "SCALER_ARTIFACT_SHA256", sha256(artifact), "INSTALL_DIR", install.toString(),
                "STATE_DIR", dir.resolve("state").toString()));
        assertEquals(0, right.exitCode(), right.output());
        assertTrue(Files.isExecutable(install.resolve("vmss-runner-scaler")));

        Tools.Run start = Tools.run(List.of("bash", "deploy/scaler/run-scaler.sh"), Map.of("INSTALL_DIR", install.toString(),
                "STATE_DIRECTORY", dir.resolve("state").toString()));
        assertEquals("native\n", start.output());
    }

    @Test
    void theJvmBuildRunsWithAnAotCacheWhenTheJdkHasOne() throws Exception {
        // the JVM build as ci.yml archives it: quarkus-app/ at the top
        Path app = Files.createDirectories(dir.resolve("target/quarkus-app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "jar");
        Path archive = dir.resolve("vmss-runner-scaler-jvm.tar.gz");
        Tools.ok(List.of("tar", "-czf", archive.toString(), "-C", dir.resolve("target").toString(), "quarkus-app"), Map.of());
        Path install = dir.resolve("opt");
        Path state = Files.createDirectories(dir.resolve("state"));
        // a java on the PATH that says it knows AOT caches (JDK 25) and prints how it was started
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\nif [ \"$2\" = -XX:+PrintFlagsFinal ]; then echo '     ccstr AOTCacheOutput  = '; exit 0; fi\necho java \"$@\"\n");
        bin.resolve("java").toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "INSTALL_DIR", install.toString(),
                "STATE_DIR", state.toString(), "STATE_DIRECTORY", state.toString(), "SCALER_ARTIFACT_URL", archive.toUri().toString());

        Tools.Run installed = Tools.run(List.of("bash", "deploy/scaler/install-scaler.sh"), env);
        assertEquals(0, installed.exitCode(), installed.output());
        assertTrue(installed.output().contains("not checked"), "an unchecked download is worth a warning");
        assertTrue(Files.isRegularFile(install.resolve("app/quarkus-run.jar")));

        assertEquals("java -XX:AOTCacheOutput=" + state.resolve("app.aot") + " -jar " + install.resolve("app/quarkus-run.jar") + "\n",
                Tools.ok(List.of("bash", "deploy/scaler/run-scaler.sh"), env), "the first run records the cache");
        Files.writeString(state.resolve("app.aot"), "cache");
        assertEquals("java -XX:AOTCache=" + state.resolve("app.aot") + " -jar " + install.resolve("app/quarkus-run.jar") + "\n",
                Tools.ok(List.of("bash", "deploy/scaler/run-scaler.sh"), env), "later runs use it");
    }

    private void tarGz(Path archive, String marker) throws IOException {
        Path content = Files.createDirectories(dir.resolve("pkg-" + marker));
        Files.writeString(content.resolve("run.sh"), "#!/bin/sh\n" + marker + "\n");
        content.resolve("run.sh").toFile().setExecutable(true);
        Tools.ok(List.of("tar", "-czf", archive.toString(), "-C", content.toString(), "run.sh"), Map.of());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
