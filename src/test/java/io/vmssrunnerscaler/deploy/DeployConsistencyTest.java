package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.EnvConfigSource;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.config.ScalerConfigs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The names that tie the deployment together agree: the Bicep's parameters, role actions, secret
 * names and service settings; the cloud-init templates and their renderers; the workflows, azd's
 * parameter file and deploy.sh; the service's configuration (ScalerConfig) and both READMEs.
 */
class DeployConsistencyTest {
    static final Bicep MAIN = new Bicep(Tools.DEPLOY.resolve("main.bicep"));
    static final Bicep ROLES = new Bicep(Tools.DEPLOY.resolve("modules/roles.bicep"));
    static final String DEPLOY_README = Tools.read(Tools.DEPLOY.resolve("README.md"));
    static final String README = Tools.read(Tools.ROOT.resolve("README.md"));

    /**
     * docs/PROTOCOLS.md, "Least-privilege role": Compute, less
     * {@code virtualMachines/instanceView/read} and {@code virtualMachines/write}, which no request
     * of the adapter needs (RolePermissionsTest).
     */
    static final Set<String> FACTS_COMPUTE = Set.of(
            "Microsoft.Compute/virtualMachineScaleSets/read",
            "Microsoft.Compute/virtualMachineScaleSets/write",
            "Microsoft.Compute/virtualMachineScaleSets/delete/action",
            "Microsoft.Compute/virtualMachineScaleSets/reimage/action",
            "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read",
            "Microsoft.Compute/locations/operations/read");
    /**
     * docs/PROTOCOLS.md, the same section: Storage Queue (queues/read is a control-plane action), less
     * {@code messages/read} (peek), which the store never sends (RolePermissionsTest).
     */
    static final Set<String> FACTS_QUEUE_ACTIONS = Set.of("Microsoft.Storage/storageAccounts/queueServices/queues/read");
    static final Set<String> FACTS_QUEUE_DATA_ACTIONS = Set.of(
            "Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action",
            "Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action",
            "Microsoft.Storage/storageAccounts/queueServices/queues/messages/write");

    /** The original design's workflow parameters -> deploy.yml input, main.bicep parameter. */
    static final Map<String, String> ORIGINAL_PARAMETERS = Map.of(
            "vmss-runner-name", "runnerScaleSetName",
            "vmss-scaler-name", "scalerVmName",
            "github-repo", "githubRepository",
            "runner-labels", "runnerLabels",
            "pool-min-instances", "poolMinInstances",
            "pool-max-instances", "poolMaxInstances",
            "pool-free-target-percentage", "poolFreeTargetPercentage");

    @Test
    void theScalersCustomRolesHoldExactlyTheActionsOfFacts() {
        assertExactly(FACTS_COMPUTE, ROLES.stringArray("scalerComputeActions"), "compute role");
        assertExactly(FACTS_QUEUE_ACTIONS, ROLES.stringArray("scalerQueueActions"), "queue role actions");
        assertExactly(FACTS_QUEUE_DATA_ACTIONS, ROLES.stringArray("scalerQueueDataActions"), "queue role data actions");
        // the compute role is assigned on each scale set (PoolOfScaleSetsTest), the queue role on the queue
        assertTrue(ROLES.text.matches("(?s).*resource computeAssignment [^\\n]+\\n[^}]*scope: vmss\\[i]\\n.*"), "compute role scope (each scale set)");
        assertTrue(ROLES.text.matches("(?s).*resource queueAssignment [^\\n]+\\n[^}]*scope: queue\\n.*"), "queue role scope");
        // deploy/README.md lists every action of every role the template defines, and no other
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`(Microsoft\\.[A-Za-z]+/[^`]+)`").matcher(section(DEPLOY_README, "## Roles"));
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> defined = new TreeSet<>();
        for (String var : List.of("scalerComputeActions", "scalerQueueActions", "scalerQueueDataActions", "linkedAccessActions")) {
            defined.addAll(ROLES.stringArray(var));
        }
        assertEquals(defined, documented, "deploy/README.md, Roles");
    }

    @Test
    void theSecretNamesAreTheServicesAndTheReadmes() {
        Map<String, String> bicep = MAIN.stringObject("secretNames");
        ScalerConfig.Azure.KeyVault vault = config(Map.of()).azure().keyVault();
        Map<String, String> service = Map.of("githubToken", vault.githubTokenSecret(), "githubAppKey", vault.githubAppKeySecret(),
                "webhookSecret", vault.webhookSecretSecret(), "hookTokenKey", vault.hookTokenKeySecret(),
                "operatorToken", vault.operatorTokenSecret());
        assertEquals(service, bicep, "main.bicep secretNames vs. ScalerConfig defaults");
        for (String name : bicep.values()) {
            assertTrue(README.contains("| `" + name + "` |"), "README.md's configuration reference lacks the default " + name);
            assertTrue(DEPLOY_README.contains("--name " + name + " "), "deploy/README.md never sets the secret " + name);
        }
        assertEquals(config(Map.of()).azure().queue().name(), literal("queueName"), "queue name");
    }

    @Test
    void everySettingTheBicepGivesTheServiceReachesItsConfiguration() {
        Map<String, String> secretNames = MAIN.stringObject("secretNames");
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : MAIN.concatStrings("scalerEnvironmentLines")) {
            int eq = line.indexOf('=');
            String name = line.substring(0, eq).replace("${poolKey}", "LINUX");
            env.put(name, resolve(name, line.substring(eq + 1), secretNames));
        }
        // the default pool's one scale set (PoolOfScaleSetsTest: several)
        env.putAll(PoolOfScaleSetsTest.scaleSetEnvironment(MAIN,
                PoolOfScaleSetsTest.scaleSetList(MAIN, new ObjectMapper().createArrayNode())));
        Map<String, Function<ScalerConfig, Object>> where = new LinkedHashMap<>();
        where.put("SCALER_CLOUD", c -> c.cloud().name().toLowerCase());
        where.put("SCALER_AZURE_CLIENT_ID", c -> c.azure().clientId().orElse(null));
        where.put("SCALER_AZURE_QUEUE_SERVICE_URL", c -> c.azure().queue().serviceUrl().orElse(null));
        where.put("SCALER_AZURE_QUEUE_NAME", c -> c.azure().queue().name());
        where.put("SCALER_AZURE_KEY_VAULT_URL", c -> c.azure().keyVault().url().orElse(null));
        where.put("SCALER_AZURE_KEY_VAULT_GITHUB_TOKEN_SECRET", c -> c.azure().keyVault().githubTokenSecret());
        where.put("SCALER_AZURE_KEY_VAULT_GITHUB_APP_KEY_SECRET", c -> c.azure().keyVault().githubAppKeySecret());
        where.put("SCALER_AZURE_KEY_VAULT_WEBHOOK_SECRET_SECRET", c -> c.azure().keyVault().webhookSecretSecret());
        where.put("SCALER_AZURE_KEY_VAULT_HOOK_TOKEN_KEY_SECRET", c -> c.azure().keyVault().hookTokenKeySecret());
        where.put("SCALER_AZURE_KEY_VAULT_OPERATOR_TOKEN_SECRET", c -> c.azure().keyVault().operatorTokenSecret());
        where.put("SCALER_GITHUB_API_URL", c -> c.github().apiUrl());
        where.put("SCALER_RUNNERS_ALLOWED_NETWORKS", c -> String.join(",", c.runners().allowedNetworks()));
        where.put("SCALER_POOLS_LINUX_LABELS", c -> String.join(",", c.pools().get("linux").labels().orElseThrow()));
        where.put("SCALER_POOLS_LINUX_MIN", c -> c.pools().get("linux").min());
        where.put("SCALER_POOLS_LINUX_MAX", c -> c.pools().get("linux").max().getAsInt());
        where.put("SCALER_POOLS_LINUX_FREE_PERCENT", c -> c.pools().get("linux").freePercent());
        where.put("SCALER_POOLS_LINUX_MIN_IDLE", c -> c.pools().get("linux").minIdle());
        where.put("SCALER_POOLS_LINUX_SCOPE", c -> c.pools().get("linux").scope().orElse(null));
        where.put("SCALER_POOLS_LINUX_RUNNER_GROUP", c -> c.pools().get("linux").runnerGroup());
        where.put("SCALER_POOLS_LINUX_RERUN_LOST_JOBS", c -> c.pools().get("linux").rerunLostJobs());
        where.put("SCALER_POOLS_LINUX_SCALE_SET_SUBSCRIPTION", c -> c.pools().get("linux").scaleSet().subscription().orElse(null));
        where.put("SCALER_POOLS_LINUX_SCALE_SET_RESOURCE_GROUP", c -> c.pools().get("linux").scaleSet().resourceGroup().orElse(null));
        where.put("SCALER_POOLS_LINUX_SCALE_SET_NAME", c -> c.pools().get("linux").scaleSet().name().orElse(null));
        where.put("SCALER_POOLS_LINUX_SCALE_SET_COMPUTER_NAME_PREFIX",
                c -> c.pools().get("linux").scaleSet().computerNamePrefix().orElse(null));
        where.put("SCALER_GITHUB_APP_ID", c -> c.github().appId().orElse(null));
        where.put("SCALER_GITHUB_APP_INSTALLATION_ID", c -> c.github().appInstallationId().orElse(null));
        // missed deliveries: the webhook whose failed deliveries are redelivered (deploy/README.md, "Missed deliveries")
        where.put("SCALER_GITHUB_HOOK_ID", c -> c.github().hookId().orElse(null));
        where.put("SCALER_GITHUB_HOOK_SCOPE", c -> c.github().hookScope().orElse(null));
        where.put("SCALER_GITHUB_APP_HOOK", c -> c.github().appHook());
        assertEquals(where.keySet(), env.keySet(), "the settings main.bicep writes (add a new one to this table)");

        ScalerConfig config = config(env);
        for (Map.Entry<String, String> e : env.entrySet()) {
            assertEquals(e.getValue(), String.valueOf(where.get(e.getKey()).apply(config)),
                    e.getKey() + " does not reach the service's configuration");
        }
        Set<String> documented = readmeEnvironmentNames();
        for (String name : env.keySet()) {
            assertTrue(documented.contains(name), name + " is not a key of README.md's configuration reference");
        }
    }

    @Test
    void everyModuleGetsTheParametersItDeclares() {
        Map<String, Map.Entry<String, List<String>>> modules = MAIN.modules();
        assertEquals(Set.of("network", "storage", "vault", "identity", "scaler", "runners", "roles", "monitoring"),
                modules.keySet());
        modules.forEach((symbol, call) -> {
            Map<String, Bicep.Param> declared = new Bicep(Tools.DEPLOY.resolve(call.getKey())).params();
            for (String passed : call.getValue()) {
                assertTrue(declared.containsKey(passed), "module " + symbol + " has no parameter " + passed);
            }
            declared.values().stream().filter(p -> p.defaultText().isEmpty()).forEach(p -> assertTrue(
                    call.getValue().contains(p.name()), "module " + symbol + " is not given its parameter " + p.name()));
        });
    }

    @Test
    void cloudInitTemplatesTheirRenderersAndTheBicepFillTheSamePlaceholders() {
        checkTemplate("runner", new Bicep(Tools.DEPLOY.resolve("modules/runners.bicep")));
        checkScalerRunCommand();
        // the defaults of the runner renderer are the Bicep's
        String render = Tools.read(Tools.DEPLOY.resolve("runner/render-cloud-init.sh"));
        assertTrue(render.contains("default_runner_version=" + literal("runnerVersion") + "\n"), "runner version");
        assertTrue(render.contains("default_runner_sha256=" + literal("runnerSha256") + "\n"), "runner sha256");
        assertTrue(render.contains("runner_dir=${2:-" + literal("runnerDir") + "}"), "runner directory");
    }

    @Test
    void portsAndPathsAgreeWithTheService() throws Exception {
        Properties properties = new Properties();
        properties.load(new java.io.StringReader(Tools.read(Tools.ROOT.resolve("src/main/resources/application.properties"))));
        assertEquals(properties.getProperty("quarkus.http.port"), literal("servicePort"), "the service's port");
        String scalerVm = Tools.read(Tools.DEPLOY.resolve("modules/scaler-vm.bicep"));
        assertTrue(scalerVm.contains("requestPath: '/q/health/ready'"), "the load balancer probes readiness");
        assertTrue(README.contains("| `GET /q/health/ready` |") && README.contains("| `POST /github/webhook` |"));
        String caddyfile = Tools.read(Tools.DEPLOY.resolve("scaler/Caddyfile"));
        assertTrue(caddyfile.contains("handle /github/webhook {") && caddyfile.contains("reverse_proxy 127.0.0.1:__SERVICE_PORT__"),
                "Caddy passes the webhook path, and only it, to the service");
        assertTrue(MAIN.text.contains("'https://${scaler.outputs.publicFqdn}/github/webhook'"), "webhook URL output");
    }

    @Test
    void azdDeployScriptAndWorkflowPassRealParametersAndEveryRequiredOne() throws Exception {
        Map<String, Bicep.Param> params = MAIN.params();
        Set<String> required = new TreeSet<>();
        params.values().stream().filter(p -> p.defaultText().isEmpty()).forEach(p -> required.add(p.name()));
        assertEquals(Set.of("githubRepository", "sshPublicKey", "scalerArtifactUrl", "acmeEmail"), required);

        JsonNode azd = new ObjectMapper().readTree(Tools.read(Tools.DEPLOY.resolve("main.parameters.json"))).path("parameters");
        Set<String> azdNames = new TreeSet<>();
        azd.fieldNames().forEachRemaining(azdNames::add);
        assertSubset(azdNames, params.keySet(), "main.parameters.json");
        assertSubset(required, azdNames, "main.parameters.json must give every required parameter");

        Set<String> scriptNames = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+\"(\\w+)=").matcher(Tools.read(Tools.DEPLOY.resolve("scripts/deploy.sh")));
        while (m.find()) {
            scriptNames.add(m.group(1));
        }
        assertSubset(scriptNames, params.keySet(), "deploy.sh");
        assertSubset(required, scriptNames, "deploy.sh must give every required parameter");

        // the original design's parameters: a deploy.yml input, an environment variable, a Bicep parameter
        JsonNode workflow = Tools.yaml(WorkflowsTest.WORKFLOWS.resolve("deploy.yml"));
        JsonNode on = workflow.has("on") ? workflow.path("on") : workflow.path("true");
        JsonNode inputs = on.path("workflow_dispatch").path("inputs");
        String script = Tools.read(Tools.DEPLOY.resolve("scripts/deploy.sh"));
        ORIGINAL_PARAMETERS.forEach((input, param) -> {
            assertTrue(inputs.has(input), "deploy.yml has no input " + input);
            assertTrue(params.containsKey(param), "main.bicep has no parameter " + param);
            String variable = null;
            for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> workflow.path("env").fields()) {
                if (e.getValue().asText().contains("inputs." + input + " ") || e.getValue().asText().endsWith("inputs." + input + " }}")) {
                    variable = e.getKey();
                }
            }
            assertTrue(variable != null, "deploy.yml passes no environment variable for " + input);
            assertTrue(script.contains("\"" + param + "=${" + variable) || script.contains("\"" + param + "=$"),
                    "deploy.sh does not set " + param + " from " + variable);
        });
    }

    /** A default azd's parameter file or deploy.sh gives a parameter is main.bicep's own: the three never drift apart. */
    @Test
    void azdAndDeployShFallBackToTheBicepsDefaults() {
        Map<String, Bicep.Param> params = MAIN.params();
        Map<String, String> given = new TreeMap<>();
        Matcher azd = Pattern.compile("\"(\\w+)\": \\{ \"value\": \"\\$\\{\\w+=([^}]*)}\" }").matcher(
                Tools.read(Tools.DEPLOY.resolve("main.parameters.json")));
        while (azd.find()) {
            given.put("main.parameters.json " + azd.group(1), azd.group(2));
        }
        Matcher script = Pattern.compile("(?m)^\\s+\"(\\w+)=\\$\\{\\w+:-([^}]*)}\"$").matcher(Tools.read(Tools.DEPLOY.resolve("scripts/deploy.sh")));
        while (script.find()) {
            given.put("deploy.sh " + script.group(1), script.group(2));
        }
        assertTrue(given.containsKey("main.parameters.json alertWaitThreshold") && given.containsKey("deploy.sh alertWaitThreshold"), given.toString());
        given.forEach((where, value) -> {
            Bicep.Param p = params.get(where.substring(where.indexOf(' ') + 1));
            assertTrue(p != null, where + " is no parameter of main.bicep");
            p.literalDefault().ifPresent(d -> assertEquals(d, value, where + ": another default than main.bicep's"));
        });
    }

    @Test
    void deployReadmeDocumentsEveryParameterWithItsDefault() {
        String table = section(DEPLOY_README, "## Parameters");
        MAIN.params().values().forEach(p -> {
            Matcher row = Pattern.compile("(?m)^\\| `" + p.name() + "` \\| ([^|]*) \\|").matcher(table);
            assertTrue(row.find(), "deploy/README.md, Parameters, lacks " + p.name());
            String shown = row.group(1).trim();
            p.literalDefault().ifPresent(d -> assertEquals(d.isEmpty() ? "(empty)" : "`" + d + "`", shown,
                    "default of " + p.name() + " in deploy/README.md"));
            if (p.defaultText().isEmpty()) {
                assertEquals("(required)", shown, p.name() + " is required");
            }
        });
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void checkTemplate(String dir, Bicep module) {
        Path folder = Tools.DEPLOY.resolve(dir);
        Set<String> template = placeholders(Tools.read(folder.resolve("cloud-init.yaml")));
        Set<String> renderer = new TreeSet<>();
        Matcher m = Pattern.compile("s\\|(__\\w+__)\\|").matcher(Tools.read(folder.resolve("render-cloud-init.sh")));
        while (m.find()) {
            renderer.add(m.group(1));
        }
        Map<String, String> bicep = module.templateValues();
        assertEquals(template, new TreeSet<>(bicep.keySet()), module.file + " vs. " + dir + "/cloud-init.yaml");
        assertEquals(template, renderer, dir + "/render-cloud-init.sh vs. " + dir + "/cloud-init.yaml");
        assertTrue(module.text.contains("loadTextContent('../" + dir + "/cloud-init.yaml')"), module.file + " template");
        // __NAME_SH_B64__ is the base64 of NAME.sh beside the template, in the Bicep and in the renderer
        bicep.forEach((key, value) -> {
            Matcher file = Pattern.compile("loadFileAsBase64\\('\\.\\./" + dir + "/([\\w.-]+)'\\)").matcher(value);
            if (file.find()) {
                assertEquals(key, "__" + file.group(1).toUpperCase().replace('-', '_').replace('.', '_') + "_B64__");
                assertTrue(java.nio.file.Files.isRegularFile(folder.resolve(file.group(1))), file.group(1));
                assertTrue(Tools.read(folder.resolve("render-cloud-init.sh")).contains(file.group(1) + ")|"),
                        dir + "/render-cloud-init.sh does not embed " + file.group(1));
            }
        });
    }

    /** The run command gives configure-scaler.sh every variable it reads, and the files it installs. */
    private static void checkScalerRunCommand() {
        Bicep module = new Bicep(Tools.DEPLOY.resolve("modules/scaler-vm.bicep"));
        assertTrue(module.text.contains("customData: base64(loadTextContent('../scaler/cloud-init.yaml'))"),
                "the scaler VM's custom data must be the static cloud-init");
        assertTrue(module.text.contains("script: loadTextContent('../scaler/configure-scaler.sh')"), "run command script");
        Set<String> given = new TreeSet<>();
        Matcher m = Pattern.compile("\\{ name: '(\\w+)', value: (.+?) }").matcher(module.text);
        while (m.find()) {
            given.add(m.group(1));
            Matcher file = Pattern.compile("loadFileAsBase64\\('\\.\\./scaler/([\\w.-]+)'\\)").matcher(m.group(2));
            if (file.find()) {
                assertTrue(java.nio.file.Files.isRegularFile(Tools.DEPLOY.resolve("scaler").resolve(file.group(1))), file.group(1));
            }
        }
        Set<String> read = new TreeSet<>();
        Matcher v = Pattern.compile("\\$\\{([A-Z0-9_]+):[?-]").matcher(Tools.read(Tools.DEPLOY.resolve("scaler/configure-scaler.sh")));
        while (v.find()) {
            read.add(v.group(1));
        }
        read.removeAll(Set.of("ROOT", "SYSTEMCTL", "WAIT_FOR_CLOUD_INIT"));
        assertEquals(read, given, "run command parameters vs. what configure-scaler.sh reads");
        String configure = Tools.read(Tools.DEPLOY.resolve("scaler/configure-scaler.sh"));
        for (String template : List.of("Caddyfile", "prometheus.yml")) {
            Set<String> found = placeholders(Tools.read(Tools.DEPLOY.resolve("scaler").resolve(template)));
            assertTrue(!found.isEmpty(), template + " has no placeholders");
            found.forEach(p -> assertTrue(configure.contains("s|" + p + "|"), "configure-scaler.sh leaves " + p + " in " + template));
        }
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("__[A-Z0-9_]+__").matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** A value of a setting line: a main.bicep default, a secret name, or a sample for a deployment output. */
    private static String resolve(String name, String value, Map<String, String> secretNames) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expr = m.group(1);
            String replacement;
            if (expr.startsWith("secretNames.")) {
                replacement = secretNames.get(expr.substring("secretNames.".length()));
            } else if (MAIN.params().containsKey(expr) && !MAIN.params().get(expr).literalDefault().orElse("").isEmpty()) {
                replacement = MAIN.params().get(expr).literalDefault().get();
            } else if (MAIN.params().containsKey(expr) && MAIN.params().get(expr).type().equals("string")) {
                replacement = name.endsWith("_ID") ? "4711" : "octo-org/" + name.toLowerCase().replace('_', '-');
            } else {
                replacement = "https://sample/" + name.toLowerCase();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String literal(String param) {
        return MAIN.params().get(param).literalDefault().orElseThrow(() -> new AssertionError(param + " has no plain default"));
    }

    /** README.md's configuration reference, every key as its environment variable (pool name linux). */
    private static Set<String> readmeEnvironmentNames() {
        Set<String> names = new LinkedHashSet<>();
        String reference = section(README, "## Configuration reference");
        String prefix = "";
        for (String line : reference.split("\n")) {
            Matcher heading = Pattern.compile("^### .*`(scaler\\.[a-z.<>-]+)\\*`").matcher(line);
            if (heading.find()) {
                prefix = heading.group(1);
            } else if (line.startsWith("### ")) {
                prefix = "";
            }
            if (line.startsWith("| `")) {
                String keys = line.substring(2, line.indexOf(" |", 2));
                Matcher key = Pattern.compile("`([a-z][a-z0-9.\\-\"<>,]*)`").matcher(keys);
                while (key.find()) {
                    String full = (key.group(1).startsWith("scaler.") ? "" : prefix) + key.group(1);
                    names.add(full.replace("<name>", "linux").toUpperCase().replace('.', '_').replace('-', '_'));
                }
            }
        }
        return names;
    }

    private static String section(String markdown, String heading) {
        int from = markdown.indexOf("\n" + heading + "\n");
        assertTrue(from >= 0, "no section " + heading);
        int to = markdown.indexOf("\n## ", from + heading.length() + 1);
        return markdown.substring(from, to < 0 ? markdown.length() : to);
    }

    private static ScalerConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        return ScalerConfigs.of(new EnvConfigSource(all, 300));
    }

    private static void assertExactly(Set<String> expected, List<String> actual, String what) {
        assertEquals(actual.size(), new LinkedHashSet<>(actual).size(), what + " has duplicates: " + actual);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(actual), what);
    }

    private static void assertSubset(Set<String> part, Set<String> whole, String what) {
        Set<String> extra = new TreeSet<>(part);
        extra.removeAll(whole);
        assertTrue(extra.isEmpty(), what + ": " + extra);
    }
}
