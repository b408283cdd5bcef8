package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner VM's service runs fetch-config.sh as root (only root may ask the instance metadata
 * service for the attested document), and, unless rendered with {@code RUNNER_IMDS_ACCESS=allowed},
 * first rejects the runner user's traffic to the metadata service, idempotently.
 */
class RunnerImdsAccessTest {
    private static final Pattern SH_C = Pattern.compile("(?m)^ExecStartPre=/bin/sh -c '([^']*)'$");

    @TempDir
    Path dir;

    @Test
    void byDefaultTheRunnerUserIsCutOffFromTheMetadataServiceBeforeTheServiceStartsAnything() throws Exception {
        String unit = unit(render(Map.of()));
        Matcher pre = SH_C.matcher(unit);
        assertTrue(pre.find(), "no ExecStartPre rule in\n" + unit);
        String rule = pre.group(1);
        assertTrue(rule.contains("iptables -C OUTPUT -d 169.254.169.254/32 -m owner --uid-owner runner -j REJECT")
                && rule.contains("|| iptables -A OUTPUT -d 169.254.169.254/32 -m owner --uid-owner runner -j REJECT"), rule);
        assertTrue(unit.indexOf("ExecStartPre=") < unit.indexOf("ExecStart=/opt/vmss-runner/fetch-config.sh"), unit);
        assertFalse(unit.contains("User="), "the service must run as root to reach the metadata service:\n" + unit);
        assertTrue(scalerEnv(render(Map.of())).contains("RUNNER_USER=runner\n"), "fetch-config.sh must start the runner as runner");

        // the rule as systemd runs it, twice: added once (a restart must not stack rules)
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path rules = dir.resolve("rules");
        Files.writeString(bin.resolve("iptables"), "#!/bin/bash\n"
                + "rule=\"${*:2}\"\n"
                + "case $1 in\n"
                + "  -C) grep -qxF -- \"$rule\" " + rules + " 2>/dev/null ;;\n"
                + "  -A) echo \"$rule\" >> " + rules + " ;;\n"
                + "  *) exit 2 ;;\n"
                + "esac\n");
        bin.resolve("iptables").toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        Tools.ok(List.of("sh", "-c", rule), env);
        Tools.ok(List.of("sh", "-c", rule), env);
        assertEquals("OUTPUT -d 169.254.169.254/32 -m owner --uid-owner runner -j REJECT\n", Files.readString(rules));

        // iptables failing (none, no owner match): the unit fails before the runner starts
        Files.writeString(bin.resolve("iptables"), "#!/bin/bash\nexit 1\n");
        assertFalse(Tools.run(List.of("sh", "-c", rule), env).ok());
    }

    @Test
    void allowedKeepsTheMetadataServiceReachableAndTheCloudInitValid() throws Exception {
        String rendered = render(Map.of("RUNNER_IMDS_ACCESS", "allowed"));
        assertFalse(rendered.contains("169.254.169.254"), rendered);
        assertFalse(rendered.contains("iptables"), rendered);
        assertTrue(unit(rendered).contains("ExecStart=/opt/vmss-runner/fetch-config.sh"), rendered);
        Path file = dir.resolve("allowed.yaml");
        Files.writeString(file, rendered);
        Tools.Run schema = Tools.run("cloud-init", "schema", "--config-file", file.toString());
        assertTrue(schema.ok() && schema.output().contains("Valid cloud-config"), schema.output());

        assertEquals(render(Map.of()), render(Map.of("RUNNER_IMDS_ACCESS", "blocked")), "blocked is the default");
        Tools.Run wrong = Tools.run(List.of("bash", "deploy/runner/render-cloud-init.sh", "http://10.40.0.4:8080"),
                Map.of("RUNNER_IMDS_ACCESS", "open"));
        assertEquals(2, wrong.exitCode(), wrong.output());
        assertTrue(wrong.output().contains("blocked or allowed"), wrong.output());
    }

    private static String render(Map<String, String> env) {
        return Tools.ok(List.of("bash", "deploy/runner/render-cloud-init.sh", "http://10.40.0.4:8080"), env);
    }

    private String unit(String rendered) throws Exception {
        return writtenFile(rendered, "/etc/systemd/system/vmss-runner.service");
    }

    private String scalerEnv(String rendered) throws Exception {
        return writtenFile(rendered, "/etc/vmss-runner/scaler.env");
    }

    private String writtenFile(String rendered, String path) throws Exception {
        Path file = Files.createTempFile(dir, "cloud-init", ".yaml");
        Files.writeString(file, rendered);
        JsonNode config = Tools.yaml(file);
        for (JsonNode f : config.path("write_files")) {
            if (path.equals(f.path("path").asText())) {
                return f.path("content").asText();
            }
        }
        throw new AssertionError(path + " is not among the files cloud-init writes");
    }
}
