package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cloud-init file, rendered as a deployment renders it, passes {@code cloud-init schema}; the
 * files it writes are the scripts of deploy/, and the scaler's unit runs hardened as a non-root user.
 */
class CloudInitSchemaTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("__[A-Z0-9_]+__");

    @TempDir
    Path dir;

    @Test
    void runnerCloudInitIsValidAndWritesTheRunnerScripts() throws Exception {
        Path rendered = dir.resolve("runner.yaml");
        Files.writeString(rendered, Tools.ok(List.of("bash", "deploy/runner/render-cloud-init.sh",
                "http://10.40.0.4:8080"), Map.of()));
        assertValid(rendered);
        JsonNode config = Tools.yaml(rendered);
        assertWritesScriptsOf(config, Tools.DEPLOY.resolve("runner"), 6);
        assertTrue(Tools.read(rendered).contains("SCALER_URL=http://10.40.0.4:8080"));

        // another runner directory and runner version, as the Bicep parameters allow
        Path other = dir.resolve("runner-other.yaml");
        Files.writeString(other, Tools.ok(List.of("bash", "deploy/runner/render-cloud-init.sh", "http://scaler:8080",
                "/home/runner/actions-runner"), Map.of("RUNNER_VERSION", "2.999.0", "RUNNER_SHA256", "ab".repeat(32))));
        assertValid(other);
        String text = Tools.read(other);
        assertTrue(text.contains("RUNNER_VERSION=2.999.0") && text.contains("RUNNER_DIR=/home/runner/actions-runner"), text);
    }

    @Test
    void scalerCloudInitIsValidStaticAndMakesTheServicesNonRootUser() {
        Path cloudInit = Tools.DEPLOY.resolve("scaler/cloud-init.yaml");
        // static on purpose: Azure never lets a VM's custom data change between deployments
        assertValid(cloudInit);
        JsonNode config = Tools.yaml(cloudInit);
        JsonNode user = null;
        for (JsonNode u : config.path("users")) {
            if ("vmss-scaler".equals(u.path("name").asText())) {
                user = u;
            }
        }
        assertTrue(user != null && user.path("system").asBoolean() && user.path("shell").asText().endsWith("nologin"),
                "the service's user must be a system user without a login shell: " + config.path("users"));
        assertTrue(config.path("packages").toString().contains("caddy"), "Caddy terminates the webhook's TLS");
    }

    @Test
    void theScalersUnitIsHardenedAndRunsAsThatUser() {
        String unit = Tools.read(Tools.DEPLOY.resolve("scaler/vmss-runner-scaler.service"));
        for (String directive : List.of("User=vmss-scaler", "Group=vmss-scaler", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "CapabilityBoundingSet=\n", "AmbientCapabilities=\n",
                "RestrictSUIDSGID=yes", "ProtectKernelTunables=yes", "ProtectControlGroups=yes",
                "StateDirectory=vmss-runner-scaler", "EnvironmentFile=/etc/vmss-runner-scaler/scaler.env",
                "ExecStart=/opt/vmss-runner-scaler/run-scaler.sh", "Restart=always")) {
            assertTrue(unit.contains(directive), "vmss-runner-scaler.service lacks " + directive.trim());
        }
    }

    @Test
    void theSchemaCheckRejectsABrokenCloudConfig() throws Exception {
        String good = Tools.ok(List.of("bash", "deploy/runner/render-cloud-init.sh", "http://10.40.0.4:8080"), Map.of());
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, good.replace("lock_passwd: true", "lock_passwd: sometimes"));
        Tools.Run run = Tools.run("cloud-init", "schema", "--config-file", broken.toString());
        assertFalse(run.ok(), "cloud-init schema accepted a broken file:\n" + run.output());
        assertTrue(run.output().contains("lock_passwd"), run.output());
    }

    private static void assertValid(Path file) {
        String text = Tools.read(file);
        assertFalse(PLACEHOLDER.matcher(text).find(), file + " has placeholders left:\n" + text);
        Tools.Run run = Tools.run("cloud-init", "schema", "--config-file", file.toString());
        assertTrue(run.ok() && run.output().contains("Valid cloud-config"), "cloud-init schema: " + run.output());
        assertFalse(run.output().contains("DEPRECATED"), "deprecated cloud-init keys: " + run.output());
    }

    /** Every file written with base64 content is, byte for byte, the script of that name in {@code scripts}. */
    private static void assertWritesScriptsOf(JsonNode config, Path scripts, int expected) throws Exception {
        int found = 0;
        for (JsonNode f : config.path("write_files")) {
            if (!"b64".equals(f.path("encoding").asText())) {
                continue;
            }
            String name = Path.of(f.path("path").asText()).getFileName().toString();
            if (!name.endsWith(".sh")) {
                continue;
            }
            byte[] written = Base64.getDecoder().decode(f.path("content").asText());
            assertEquals(Files.readString(scripts.resolve(name)), new String(written, StandardCharsets.UTF_8),
                    f.path("path").asText() + " is not " + scripts.resolve(name));
            assertEquals("0755", f.path("permissions").asText(), f.path("path").asText());
            found++;
        }
        assertEquals(expected, found, "scripts written");
    }
}
