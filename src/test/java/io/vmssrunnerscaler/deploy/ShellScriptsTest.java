package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shell script of the project passes ShellCheck (all severities) and bash's own syntax check. */
class ShellScriptsTest {
    private static final Set<String> NOT_THE_PROJECTS = Set.of(".git", "target", "node_modules", ".idea", ".vscode");

    @TempDir
    Path dir;

    @Test
    void everyShellScriptPassesShellCheck() throws IOException {
        List<Path> scripts = scripts();
        Set<String> names = scripts.stream().map(p -> Tools.ROOT.relativize(p).toString()).collect(Collectors.toSet());
        for (String expected : List.of("deploy/runner/fetch-config.sh", "deploy/runner/notify-scaler.sh",
                "deploy/runner/install-runner.sh", "deploy/runner/render-cloud-init.sh", "deploy/scaler/install-scaler.sh",
                "deploy/scaler/run-scaler.sh", "deploy/scaler/configure-scaler.sh", "deploy/scaler/metrics-token.sh",
                "deploy/scaler/install-prometheus.sh", "deploy/scripts/deploy.sh",
                "deploy/scripts/current-capacity.sh", "deploy/scripts/azd-preprovision.sh",
                "deploy/runner/watch-evictions.sh", "deploy/scripts/github-webhook.sh",
                "deploy/checks/install-tools.sh", ".ci/run", "src/test/tls/make-test-tls.sh", "bench/lib.sh",
                "bench/policy/run.sh", "bench/replay/export-history.sh")) {
            assertTrue(names.contains(expected), expected + " was not found among the scripts " + names);
        }
        List<String> failures = new ArrayList<>();
        for (Path script : scripts) {
            Tools.Run check = Tools.run("shellcheck", "--severity=style", "--external-sources", script.toString());
            if (!check.ok()) {
                failures.add(check.output());
            }
            String shell = Files.readString(script).startsWith("#!/bin/sh") ? "sh" : "bash";
            Tools.Run syntax = Tools.run(shell, "-n", script.toString());
            if (!syntax.ok()) {
                failures.add(script + ": " + syntax.output());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void shellCheckFindsAProblem() throws IOException {
        Path bad = dir.resolve("bad.sh");
        Files.writeString(bad, "#!/usr/bin/env bash\nrm -rf $1/*\n");
        Tools.Run check = Tools.run("shellcheck", "--severity=style", bad.toString());
        assertFalse(check.ok(), "shellcheck accepted an unquoted expansion");
        assertTrue(check.output().contains("SC2086") || check.output().contains("SC2115"), check.output());
    }

    /**
     * Files of the project named *.sh or starting with a sh/bash shebang, wherever they are: every folder
     * but git's, the build's output and what npm or an IDE put there (.gitignore's).
     */
    static List<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        Files.walkFileTree(Tools.ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
                return NOT_THE_PROJECTS.contains(folder.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && isShellScript(file)) {
                    scripts.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(scripts);
        return scripts;
    }

    private static boolean isShellScript(Path file) {
        if (file.toString().endsWith(".sh")) {
            return true;
        }
        try (BufferedReader lines = Files.newBufferedReader(file)) { // the first line only: the walk sees every file
            String first = Objects.requireNonNullElse(lines.readLine(), "");
            return first.matches("#!\\s*(/usr/bin/env\\s+)?(/bin/|/usr/bin/)?(ba)?sh\\b.*");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
