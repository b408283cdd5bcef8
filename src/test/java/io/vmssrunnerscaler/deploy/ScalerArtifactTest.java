package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which scaler build a deployment installs (deploy/scripts/scaler-artifact.sh, used by deploy.sh
 * and the azd hook): a release of SCALER_RELEASE_REPO, never a URL made of GITHUB_SCOPE, which may be
 * an organisation; its checksum from the .sha256 the release attaches beside it. And who may set
 * the Key Vault secrets when the Azure CLI is signed in as a service principal (signed-in-principal.sh).
 */
class ScalerArtifactTest {
    static final Path SCRIPTS = Tools.DEPLOY.resolve("scripts");
    static final String SUM = "0123456789abcdef".repeat(4);
    /** Variables of the caller's environment (a CI run has GITHUB_REPOSITORY) that would change the answers. */
    static final List<String> UNSET = List.of("SCALER_ARTIFACT_URL", "SCALER_ARTIFACT_SHA256", "SCALER_RELEASE_REPO",
            "SCALER_VERSION", "SCALER_BUILD", "GITHUB_REPOSITORY", "GITHUB_SCOPE", "SECRETS_OFFICER_PRINCIPAL_ID",
            "SECRETS_OFFICER_PRINCIPAL_TYPE", "GITHUB_ADMIN_TOKEN", "GH_TOKEN", "GITHUB_HOOK_ID", "RUNNER_SCALE_SETS", "LOCATION");

    @TempDir
    Path dir;

    @Test
    void theUrlComesFromTheReleaseRepositoryNotFromWhereRunnersRegister() {
        Map<String, String> env = Map.of("GITHUB_SCOPE", "octo-org", "SCALER_RELEASE_REPO", "alice/vmss-runner-scaler",
                "SCALER_VERSION", "v0.1.0");
        assertEquals("https://github.com/alice/vmss-runner-scaler/releases/download/v0.1.0/vmss-runner-scaler-linux-x64",
                ok(env, "url"));
        assertEquals("https://github.com/alice/vmss-runner-scaler/releases/download/v0.1.0/vmss-runner-scaler-jvm.tar.gz",
                ok(with(env, "SCALER_BUILD", "jvm"), "url"));
        // no version: the newest release; no release repository: the one the workflow runs in
        assertEquals("https://github.com/alice/fork/releases/latest/download/vmss-runner-scaler-linux-x64",
                ok(Map.of("GITHUB_SCOPE", "octo-org", "GITHUB_REPOSITORY", "alice/fork"), "url"));
        // an explicit URL wins (a storage blob with a SAS)
        assertEquals("https://st.blob.core.windows.net/builds/scaler?sv=1&sig=x",
                ok(with(env, "SCALER_ARTIFACT_URL", "https://st.blob.core.windows.net/builds/scaler?sv=1&sig=x"), "url"));
        // an organisation is no place for releases; nor is an unknown build
        Tools.Run org = run(Map.of("SCALER_RELEASE_REPO", "octo-org"), "url");
        assertFalse(org.ok(), org.output());
        assertTrue(org.output().contains("not an organisation"), org.output());
        Tools.Run build = run(with(env, "SCALER_BUILD", "wasm"), "url");
        assertFalse(build.ok(), build.output());
    }

    @Test
    void theChecksumIsTheOneBesideTheBuildUnlessGiven() throws IOException {
        Path artifact = dir.resolve("vmss-runner-scaler-linux-x64");
        Files.writeString(artifact, "binary");
        Files.writeString(dir.resolve("vmss-runner-scaler-linux-x64.sha256"), SUM + "  vmss-runner-scaler-linux-x64\n");
        String url = artifact.toUri().toString();
        assertEquals(SUM, ok(Map.of("SCALER_ARTIFACT_URL", url), "sha256"));
        assertEquals("ab".repeat(32), ok(Map.of("SCALER_ARTIFACT_URL", url, "SCALER_ARTIFACT_SHA256", "ab".repeat(32)), "sha256"));
        // a built URL: curl is asked for <url>.sha256 (a stand-in here: no network in tests)
        Path calls = fakeCurl(SUM + "  vmss-runner-scaler-linux-x64\n");
        assertEquals(SUM, ok(Map.of("PATH", dir + ":" + System.getenv("PATH"), "SCALER_RELEASE_REPO", "alice/fork",
                "SCALER_VERSION", "v0.1.0"), "sha256"));
        assertEquals("https://github.com/alice/fork/releases/download/v0.1.0/vmss-runner-scaler-linux-x64.sha256",
                lastWord(Files.readString(calls)));
        // a file that holds no checksum, or none at all: no deployment with an unchecked build
        Files.writeString(dir.resolve("vmss-runner-scaler-linux-x64.sha256"), "<html>not found</html>\n");
        assertFalse(run(Map.of("SCALER_ARTIFACT_URL", url), "sha256").ok());
        Files.delete(dir.resolve("vmss-runner-scaler-linux-x64.sha256"));
        assertFalse(run(Map.of("SCALER_ARTIFACT_URL", url), "sha256").ok());
        // a SAS URL has no file beside it: empty, the VM warns that the download is not checked
        assertEquals("", ok(Map.of("SCALER_ARTIFACT_URL", url + "?sv=1&sig=x"), "sha256"));
    }

    /** deploy.sh end to end with stand-ins for az and curl: what it passes to the deployment. */
    @Test
    void deployShPassesTheReleaseBuildForAnOrganisationScope() throws IOException {
        Path azCalls = fakeAz();
        fakeCurl(SUM + "  vmss-runner-scaler-linux-x64\n");
        Map<String, String> env = new HashMap<>(Map.of("PATH", dir + ":" + System.getenv("PATH"), "RESOURCE_GROUP", "rg-runners",
                "GITHUB_SCOPE", "octo-org", "SSH_PUBLIC_KEY", "ssh-ed25519 AAAA", "ACME_EMAIL", "ops@example.org",
                "SCALER_RELEASE_REPO", "alice/vmss-runner-scaler", "SCALER_VERSION", "v0.1.0",
                "SECRETS_OFFICER_PRINCIPAL_ID", "1111", "SECRETS_OFFICER_PRINCIPAL_TYPE", "ServicePrincipal"));
        Tools.Run run = Tools.run(unset(List.of("bash", SCRIPTS.resolve("deploy.sh").toString(), "what-if"), env), env);
        assertTrue(run.ok(), run.output());
        List<String> whatIf = Files.readAllLines(azCalls).stream().filter(l -> l.startsWith("deployment group what-if")).toList();
        assertEquals(1, whatIf.size(), String.join("\n", Files.readAllLines(azCalls)));
        String call = whatIf.get(0);
        assertTrue(call.contains(" githubRepository=octo-org "), call);
        assertTrue(call.contains(" scalerArtifactUrl=https://github.com/alice/vmss-runner-scaler/releases/download/v0.1.0/vmss-runner-scaler-linux-x64 "),
                call);
        assertTrue(call.contains(" scalerArtifactSha256=" + SUM + " "), call);
        assertFalse(call.contains("octo-org/releases"), call);
        assertTrue(call.contains(" secretsOfficerPrincipalId=1111 secretsOfficerPrincipalType=ServicePrincipal "), call);

        // without a build to deploy, nothing is deployed
        env.put("SCALER_RELEASE_REPO", "octo-org");
        Files.writeString(azCalls, "");
        Tools.Run org = Tools.run(unset(List.of("bash", SCRIPTS.resolve("deploy.sh").toString(), "what-if"), env), env);
        assertFalse(org.ok(), org.output());
        assertFalse(Files.readString(azCalls).contains("deployment group"), org.output());
    }

    @Test
    void theAzdHookResolvesTheBuildIntoItsOwnVariables() throws IOException {
        fakeAz();
        fakeCurl(SUM + "  vmss-runner-scaler-jvm.tar.gz\n");
        Path azdCalls = dir.resolve("azd-calls");
        Files.writeString(dir.resolve("azd"), "#!/usr/bin/env bash\necho \"$*\" >> " + azdCalls + "\n");
        assertTrue(dir.resolve("azd").toFile().setExecutable(true));
        Map<String, String> env = Map.of("PATH", dir + ":" + System.getenv("PATH"), "AZURE_RESOURCE_GROUP", "rg-runners",
                "SCALER_RELEASE_REPO", "alice/vmss-runner-scaler", "SCALER_BUILD", "jvm");
        Tools.Run run = Tools.run(unset(List.of("sh", SCRIPTS.resolve("azd-preprovision.sh").toString()), env), env);
        assertTrue(run.ok(), run.output());
        String calls = Files.readString(azdCalls);
        assertTrue(calls.contains("env set SCALER_ARTIFACT_URL_RESOLVED https://github.com/alice/vmss-runner-scaler/releases/latest/download/vmss-runner-scaler-jvm.tar.gz\n"),
                calls);
        assertTrue(calls.contains("env set SCALER_ARTIFACT_SHA256_RESOLVED " + SUM + "\n"), calls);
        String parameters = Tools.read(Tools.DEPLOY.resolve("main.parameters.json"));
        assertTrue(parameters.contains("\"scalerArtifactUrl\": { \"value\": \"${SCALER_ARTIFACT_URL_RESOLVED}\" }"), parameters);
        assertTrue(parameters.contains("\"scalerArtifactSha256\": { \"value\": \"${SCALER_ARTIFACT_SHA256_RESOLVED=}\" }"), parameters);
    }

    @Test
    void theSignedInPrincipalIsAUserOrAServicePrincipal() throws IOException {
        Path calls = dir.resolve("az-calls");
        Path az = dir.resolve("az");
        Files.writeString(az, """
                #!/usr/bin/env bash
                echo "$*" >> %s
                case "$*" in
                  "account show --query user.type --output tsv") echo "$KIND" ;;
                  "account show --query user.name --output tsv") echo 7c1e0000-0000-0000-0000-0000000000aa ;;
                  "ad signed-in-user show --query id --output tsv") echo user-object-id ;;
                  "ad sp show --id 7c1e0000-0000-0000-0000-0000000000aa --query id --output tsv") echo sp-object-id ;;
                  *) exit 9 ;;
                esac
                """.formatted(calls));
        assertTrue(az.toFile().setExecutable(true));
        String script = SCRIPTS.resolve("signed-in-principal.sh").toString();
        String path = dir + ":" + System.getenv("PATH");
        assertEquals("user-object-id User", Tools.ok(List.of("bash", script), Map.of("PATH", path, "KIND", "user")).strip());
        assertEquals("sp-object-id ServicePrincipal",
                Tools.ok(List.of("bash", script), Map.of("PATH", path, "KIND", "servicePrincipal")).strip());
        assertFalse(Tools.run(List.of("bash", script), Map.of("PATH", path, "KIND", "")).ok());
        // deploy/README.md, step 1, uses it, and the type reaches the deployment everywhere
        String readme = DeployConsistencyTest.DEPLOY_README;
        assertTrue(readme.contains("deploy/scripts/signed-in-principal.sh"), "deploy/README.md, step 1");
        assertTrue(readme.contains("az ad sp show --id \"$(az account show --query user.name -o tsv)\" --query id -o tsv"),
                "deploy/README.md shows the service principal's way by hand");
        assertTrue(Tools.read(SCRIPTS.resolve("deploy.sh")).contains("\"secretsOfficerPrincipalType=${SECRETS_OFFICER_PRINCIPAL_TYPE:-User}\""));
        assertTrue(Tools.read(Tools.DEPLOY.resolve("main.parameters.json"))
                .contains("\"secretsOfficerPrincipalType\": { \"value\": \"${SECRETS_OFFICER_PRINCIPAL_TYPE=User}\" }"));
        assertEquals("${{ vars.SECRETS_OFFICER_PRINCIPAL_TYPE }}", deployWorkflowEnv().path("SECRETS_OFFICER_PRINCIPAL_TYPE").asText());
    }

    /** The variables the script reads are the ones the workflow sets and the README documents, and the builds exist. */
    @Test
    void theNamesAgreeAcrossScriptWorkflowReadmeAndRelease() {
        String script = Tools.read(SCRIPTS.resolve("scaler-artifact.sh"));
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{(SCALER_[A-Z0-9_]+)").matcher(script);
        while (m.find()) {
            read.add(m.group(1));
        }
        assertEquals(Set.of("SCALER_ARTIFACT_URL", "SCALER_ARTIFACT_SHA256", "SCALER_RELEASE_REPO", "SCALER_VERSION", "SCALER_BUILD"), read);
        JsonNode env = deployWorkflowEnv();
        String readme = DeployConsistencyTest.DEPLOY_README;
        for (String name : read) {
            assertTrue(env.has(name), "deploy.yml does not set " + name);
            assertTrue(readme.contains("`" + name + "`"), "deploy/README.md does not name " + name);
        }
        assertEquals("${{ vars.SCALER_RELEASE_REPO || github.repository }}", env.path("SCALER_RELEASE_REPO").asText(),
                "the workflow's default release repository is its own, not github-repo");
        // step 2 builds nothing from GITHUB_SCOPE; the assets deploy uses are those the release attaches
        assertFalse(readme.contains("$GITHUB_SCOPE/releases"), "deploy/README.md builds a release URL from GITHUB_SCOPE");
        assertFalse(readme.contains("--repo \"$GITHUB_SCOPE\""), "deploy/README.md looks for the release in GITHUB_SCOPE");
        List<String> released = WorkflowsTest.releasedFiles();
        for (String asset : List.of("vmss-runner-scaler-linux-x64", "vmss-runner-scaler-jvm.tar.gz")) {
            assertTrue(script.contains(asset), "scaler-artifact.sh does not know " + asset);
            assertTrue(released.contains(asset) && released.contains(asset + ".sha256"), "the release does not attach " + asset);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static JsonNode deployWorkflowEnv() {
        return Tools.yaml(WorkflowsTest.WORKFLOWS.resolve("deploy.yml")).path("env");
    }

    private Tools.Run run(Map<String, String> env, String mode) {
        return Tools.run(unset(List.of("sh", SCRIPTS.resolve("scaler-artifact.sh").toString(), mode), env), env);
    }

    private String ok(Map<String, String> env, String mode) {
        Tools.Run run = run(env, mode);
        assertTrue(run.ok(), run.output());
        // the last line is the answer; warnings go before it, to standard error
        String[] lines = run.output().split("\n", -1);
        String last = run.output().endsWith("\n") ? lines[lines.length - 2] : lines[lines.length - 1];
        return run.output().isEmpty() || last.startsWith("scaler-artifact.sh:") ? "" : last;
    }

    /**
     * The command under env -u for the variables the test does not give, so that the caller's
     * environment (a CI run's) cannot answer for the test.
     */
    private static List<String> unset(List<String> command, Map<String, String> env) {
        List<String> all = new ArrayList<>(List.of("env"));
        UNSET.stream().filter(name -> !env.containsKey(name)).forEach(name -> all.addAll(List.of("-u", name)));
        all.addAll(command);
        return all;
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    /** A curl that records its arguments and prints {@code body}. */
    private Path fakeCurl(String body) throws IOException {
        Path calls = dir.resolve("curl-calls");
        Path answer = dir.resolve("curl-answer");
        Files.writeString(answer, body);
        Files.writeString(dir.resolve("curl"), "#!/usr/bin/env bash\necho \"$*\" >> " + calls + "\ncat " + answer + "\n");
        assertTrue(dir.resolve("curl").toFile().setExecutable(true));
        return calls;
    }

    /** An az for a new resource group: no scale sets; records its arguments. */
    private Path fakeAz() throws IOException {
        Path calls = dir.resolve("az-calls");
        Files.writeString(calls, "");
        Files.writeString(dir.resolve("az"), """
                #!/usr/bin/env bash
                echo "$*" >> %s
                case "$1 $2" in
                  "group exists") echo false ;;
                  "deployment group") exit 0 ;;
                  *) exit 9 ;;
                esac
                """.formatted(calls));
        assertTrue(dir.resolve("az").toFile().setExecutable(true));
        return calls;
    }

    private static String lastWord(String text) {
        String[] words = text.strip().split("\\s+");
        return words[words.length - 1];
    }
}
