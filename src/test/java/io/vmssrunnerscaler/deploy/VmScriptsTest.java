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

    @Test
    void configureScalerInstallsTheFilesTheSettingsAndTheBuildThenRestartsTheService() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path artifact = dir.resolve("vmss-runner-scaler-linux-x64");
        Files.writeString(artifact, "native build\n");
        Path calls = dir.resolve("systemctl.calls");
        Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$@\" >> " + calls + "\n");
        systemctl.toFile().setExecutable(true);
        Map<String, String> env = new java.util.HashMap<>(Map.of("ROOT", root.toString(), "SYSTEMCTL", systemctl.toString(),
                "WAIT_FOR_CLOUD_INIT", "0", "SCALER_ENV_B64", b64("SCALER_CLOUD=azure\nSCALER_POOLS_LINUX_MAX=10\n"),
                "SCALER_ARTIFACT_URL", artifact.toUri() + "?sv=2024&sig=x", "PUBLIC_HOST", "scaler.westeurope.cloudapp.azure.com",
                "ACME_EMAIL", "ops@example.com", "WEBHOOK_PORT", "443", "SERVICE_PORT", "8080"));
        env.put("SCALER_ARTIFACT_URL", artifact.toUri().toString());
        for (String[] file : new String[][] {{"INSTALL_SCALER_SH_B64", "install-scaler.sh"}, {"RUN_SCALER_SH_B64", "run-scaler.sh"},
                {"SERVICE_UNIT_B64", "vmss-runner-scaler.service"}, {"CADDYFILE_B64", "Caddyfile"},
                {"LOGROTATE_CONF_B64", "logrotate.conf"}}) {
            env.put(file[0], b64(Files.readString(Tools.DEPLOY.resolve("scaler").resolve(file[1]))));
        }

        Tools.Run first = Tools.run(List.of("bash", "deploy/scaler/configure-scaler.sh"), env);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("native build\n", Files.readString(root.resolve("opt/vmss-runner-scaler/vmss-runner-scaler")));
        assertEquals("SCALER_CLOUD=azure\nSCALER_POOLS_LINUX_MAX=10\nQUARKUS_HTTP_PORT=8080\n",
                Files.readString(root.resolve("etc/vmss-runner-scaler/scaler.env")));
        assertEquals(Files.readString(Tools.DEPLOY.resolve("scaler/vmss-runner-scaler.service")),
                Files.readString(root.resolve("etc/systemd/system/vmss-runner-scaler.service")));
        String caddy = Files.readString(root.resolve("etc/caddy/Caddyfile"));
        assertTrue(caddy.contains("https://scaler.westeurope.cloudapp.azure.com:443 {") && caddy.contains("email ops@example.com")
                && caddy.contains("reverse_proxy 127.0.0.1:8080") && caddy.contains("handle /github/webhook {")
                && caddy.contains("respond 404") && !caddy.contains("__"), caddy);
        assertTrue(Files.isExecutable(root.resolve("opt/vmss-runner-scaler/run-scaler.sh")));
        // the service's log file is there for systemd to append to, readable by the monitoring agent, and rotated
        Path logFile = root.resolve("var/log/vmss-runner-scaler/scaler.json");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(logFile)));
        assertEquals(Files.readString(Tools.DEPLOY.resolve("scaler/logrotate.conf")),
                Files.readString(root.resolve("etc/logrotate.d/vmss-runner-scaler")));
        // without a remote-write URL no metrics agent is installed or started
        assertFalse(Files.exists(root.resolve("etc/systemd/system/vmss-scaler-metrics.service")));
        assertEquals("daemon-reload\nenable vmss-runner-scaler.service\nrestart vmss-runner-scaler.service\n"
                + "reload-or-restart caddy.service\n", Files.readString(calls));

        // a second deployment with the same build only updates the settings and restarts
        Files.writeString(artifact, "changed, but not downloaded again\n");
        env.put("SCALER_ENV_B64", b64("SCALER_CLOUD=azure\nSCALER_POOLS_LINUX_MAX=20\n"));
        Tools.Run second = Tools.run(List.of("bash", "deploy/scaler/configure-scaler.sh"), env);
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("build unchanged"), second.output());
        assertEquals("native build\n", Files.readString(root.resolve("opt/vmss-runner-scaler/vmss-runner-scaler")));
        assertTrue(Files.readString(root.resolve("etc/vmss-runner-scaler/scaler.env")).contains("MAX=20"));
    }

    private static String b64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
