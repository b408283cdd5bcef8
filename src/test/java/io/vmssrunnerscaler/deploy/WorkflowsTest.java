package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub workflows and azure.yaml parse as YAML and have the shape and steps the deployment relies on. */
class WorkflowsTest {
    static final Path WORKFLOWS = Tools.ROOT.resolve(".github/workflows");

    @TempDir
    Path dir;

    @Test
    void everyWorkflowParsesAndEveryJobRunsSomewhere() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(WORKFLOWS)) {
            list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        assertEquals(List.of("ci.yml", "deploy.yml", "runner-image.yml"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : files) {
            JsonNode workflow = Tools.yaml(file);
            assertTrue(workflow.hasNonNull("name"), file + ": name");
            // YAML 1.1 reads the key "on" as true; GitHub reads it as "on"
            assertTrue(workflow.has("on") || workflow.has("true"), file + ": no triggers");
            assertTrue(workflow.path("jobs").size() > 0, file + ": no jobs");
            workflow.path("jobs").fields().forEachRemaining(job -> {
                assertTrue(job.getValue().hasNonNull("runs-on"), file + ": job " + job.getKey() + " has no runs-on");
                assertTrue(job.getValue().path("steps").size() > 0, file + ": job " + job.getKey() + " has no steps");
            });
        }
    }

    @Test
    void ciTestsBuildsTheJvmAndTheNativeBinaryInAContainer() {
        JsonNode jobs = Tools.yaml(WORKFLOWS.resolve("ci.yml")).path("jobs");
        assertTrue(runs(jobs.path("test")).contains("bash .ci/run"), "the test job must run what CI runs");
        assertTrue(runs(jobs.path("test")).contains("failsafe:integration-test"), "packaged-application tests");
        String nativeBuild = runs(jobs.path("native"));
        assertTrue(nativeBuild.contains("-Dnative") && nativeBuild.contains("-Dquarkus.native.container-build=true"),
                nativeBuild);
        assertTrue(nativeBuild.contains("src/main/docker/Dockerfile.native-micro"), nativeBuild);
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro")) {
            assertTrue(Files.isRegularFile(Tools.ROOT.resolve("src/main/docker").resolve(dockerfile)), dockerfile);
        }
    }

    /**
     * A tag v* releases the native binary and the JVM build (.tar.gz, which the scaler VM installs, and
     * .zip), each with a .sha256 made by sha256sum in the job that built it and checked before the release.
     */
    @Test
    void theReleaseAttachesEveryBuildWithItsChecksum() {
        JsonNode jobs = Tools.yaml(WORKFLOWS.resolve("ci.yml")).path("jobs");
        JsonNode release = jobs.path("release");
        assertEquals("startsWith(github.ref, 'refs/tags/v')", release.path("if").asText());
        assertEquals("write", release.path("permissions").path("contents").asText());
        List<String> released = releasedFiles();
        Map<String, String> builtBy = Map.of("vmss-runner-scaler-linux-x64", "native",
                "vmss-runner-scaler-jvm.tar.gz", "test", "vmss-runner-scaler-jvm.zip", "test");
        builtBy.forEach((build, job) -> {
            assertTrue(released.contains(build) && released.contains(build + ".sha256"), "the release lacks " + build + " or its .sha256: " + released);
            assertTrue(runs(jobs.path(job)).contains("sha256sum " + build + " > " + build + ".sha256"), job + " makes no checksum of " + build);
            String uploaded = jobs.path(job).path("steps").toString();
            assertTrue(uploaded.contains(build + "\\n") && uploaded.contains(build + ".sha256"), job + " does not upload " + build + " and its checksum");
            assertTrue(release.path("needs").toString().contains("\"" + job + "\""), "the release does not wait for " + job);
        });
        assertTrue(runs(jobs.path("test")).contains("zip -qr ../vmss-runner-scaler-jvm.zip quarkus-app"), "the zip holds quarkus-app");
        assertTrue(runs(jobs.path("test")).contains("tar -czf vmss-runner-scaler-jvm.tar.gz -C target quarkus-app"), "the tar.gz holds quarkus-app");
        assertTrue(runs(release).contains("sha256sum --check --strict \"$build.sha256\""), "the release checks the checksums first");
        assertEquals(builtBy.keySet(), Set.copyOf(List.of(runs(release).replaceAll("(?s).*for build in ([^;]+);.*", "$1").trim().split(" "))),
                "the release checks every build");
        assertEquals(builtBy.size() * 2, released.size(), "the release attaches exactly the builds and their checksums: " + released);
    }

    /** The files the release job passes to {@code gh release create}. */
    static List<String> releasedFiles() {
        String run = runs(Tools.yaml(WORKFLOWS.resolve("ci.yml")).path("jobs").path("release"));
        int create = run.indexOf("gh release create");
        assertTrue(create >= 0, "the release job creates no release");
        List<String> files = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("dist/(\\S+)").matcher(run.substring(create));
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    @Test
    void deployRunsWhatIfThenCreateWithOidc() {
        JsonNode workflow = Tools.yaml(WORKFLOWS.resolve("deploy.yml"));
        JsonNode jobs = workflow.path("jobs");
        assertTrue(runs(jobs.path("what-if")).contains("deploy/scripts/deploy.sh what-if"));
        assertTrue(runs(jobs.path("create")).contains("deploy/scripts/deploy.sh create"));
        assertEquals("what-if", jobs.path("create").path("needs").asText(), "create must wait for the what-if");
        assertEquals("write", workflow.path("permissions").path("id-token").asText(), "OIDC needs id-token: write");
        for (String job : List.of("what-if", "create")) {
            assertTrue(uses(jobs.path(job)).contains("azure/login@"), job + " signs in with azure/login");
        }
        assertTrue(workflow.path("on").path("workflow_dispatch").isObject()
                || workflow.path("true").path("workflow_dispatch").isObject(), "manual dispatch");
    }

    @Test
    void runnerImageBuildsWithPackerFromRunnerImagesBehindASwitch() {
        JsonNode workflow = Tools.yaml(WORKFLOWS.resolve("runner-image.yml"));
        JsonNode on = workflow.has("on") ? workflow.path("on") : workflow.path("true");
        JsonNode input = on.path("workflow_dispatch").path("inputs").path("build-image");
        assertEquals("boolean", input.path("type").asText());
        assertFalse(input.path("default").asBoolean(), "the switch is off unless turned on");
        JsonNode build = workflow.path("jobs").path("build");
        assertTrue(build.path("if").asText().contains("inputs.build-image"), "the build job must be behind the switch");
        assertTrue(build.path("steps").toString().contains("actions/runner-images"));
        assertTrue(runs(build).contains("packer build"));
    }

    @Test
    void azureYamlPointsAzdAtTheBicep() {
        JsonNode azd = Tools.yaml(Tools.ROOT.resolve("azure.yaml"));
        assertEquals("bicep", azd.path("infra").path("provider").asText());
        Path main = Tools.ROOT.resolve(azd.path("infra").path("path").asText())
                .resolve(azd.path("infra").path("module").asText() + ".bicep");
        assertTrue(Files.isRegularFile(main), main.toString());
        Path hook = Tools.ROOT.resolve(azd.path("hooks").path("preprovision").path("run").asText());
        assertTrue(Files.isExecutable(hook), hook + " must exist and be executable");
    }

    @Test
    void brokenYamlIsCaught() throws IOException {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, "jobs:\n  test:\n    steps: [\n      - run: x\n");
        Tools.Run run = Tools.run("python3", "-c", "import sys, yaml; yaml.safe_load(open(sys.argv[1]))", broken.toString());
        assertFalse(run.ok(), "PyYAML accepted broken YAML");
    }

    private static String runs(JsonNode job) {
        StringBuilder all = new StringBuilder();
        job.path("steps").forEach(step -> all.append(step.path("run").asText()).append('\n'));
        return all.toString();
    }

    private static String uses(JsonNode job) {
        StringBuilder all = new StringBuilder();
        job.path("steps").forEach(step -> all.append(step.path("uses").asText()).append('\n'));
        return all.toString();
    }
}
