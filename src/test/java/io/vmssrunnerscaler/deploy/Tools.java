package io.vmssrunnerscaler.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the check tools the build installs (deploy/checks/install-tools.sh): cloud-init, ShellCheck,
 * python3 with PyYAML, logrotate. A missing tool fails the test that needs it, with the reason.
 */
final class Tools {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DEPLOY = ROOT.resolve("deploy");

    record Run(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Tools() {
    }

    static Run run(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(ROOT.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within 120 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " cannot be run (" + e.getMessage()
                    + "); the build installs it with deploy/checks/install-tools.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Run run(String... command) {
        return run(List.of(command), Map.of());
    }

    /** Output of a command that must succeed. */
    static String ok(List<String> command, Map<String, String> env) {
        Run run = run(command, env);
        if (!run.ok()) {
            throw new AssertionError(String.join(" ", command) + " failed (" + run.exitCode() + "):\n" + run.output());
        }
        return run.output();
    }

    /** A YAML file as JSON, parsed by PyYAML (safe_load): YAML 1.1, as GitHub and cloud-init read it. */
    static JsonNode yaml(Path file) {
        Run run = run("python3", "-c",
                "import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, default=str)",
                file.toString());
        if (!run.ok()) {
            throw new AssertionError(file + " is not valid YAML:\n" + run.output());
        }
        try {
            return new ObjectMapper().readTree(run.output());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
