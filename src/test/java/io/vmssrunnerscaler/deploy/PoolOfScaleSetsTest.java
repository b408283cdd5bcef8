package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.EnvConfigSource;
import io.vmssrunnerscaler.config.PoolConfig;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.config.ScalerConfigs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool over several scale sets (main.bicep's runnerScaleSets): every scale set the Bicep deploys
 * gets the scaler's compute role and its own {@code scale-sets[i].*} settings, and no other; one
 * scale set keeps the {@code scale-set.*} settings a deployment always wrote. With no Bicep
 * compiler here, main.bicep's runnerScaleSetList and scaleSetEnvironmentLines are evaluated from
 * their text (the few expression forms they use), for the default and for the example
 * deploy/examples/pool-spot-then-regular.json; each check is also shown to catch a broken copy.
 */
class PoolOfScaleSetsTest {
    static final Bicep MAIN = DeployConsistencyTest.MAIN;
    static final Bicep ROLES = DeployConsistencyTest.ROLES;
    static final Bicep RUNNERS = new Bicep(Tools.DEPLOY.resolve("modules/runners.bicep"));
    static final java.nio.file.Path EXAMPLE = Tools.DEPLOY.resolve("examples/pool-spot-then-regular.json");
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000004711";
    static final String RESOURCE_GROUP = "rg-runners";
    static final List<String> PER_SCALE_SET = List.of("SUBSCRIPTION", "RESOURCE_GROUP", "NAME", "COMPUTER_NAME_PREFIX");


    @Test
    void withoutRunnerScaleSetsOneScaleSetKeepsTheSingleKeys() {
        List<Map<String, Object>> list = scaleSetList(MAIN, json("[]"));
        assertEquals(1, list.size());
        assertEquals(literal("runnerScaleSetName"), list.get(0).get("name"));
        assertEquals(literal("poolName"), list.get(0).get("computerNamePrefix"), "the one scale set's prefix is the pool's name, as always");
        Map<String, String> env = scaleSetEnvironment(MAIN, list);
        checkScaleSetKeys(list, env);
        assertEquals(Set.of("SCALER_POOLS_LINUX_SCALE_SET_SUBSCRIPTION", "SCALER_POOLS_LINUX_SCALE_SET_RESOURCE_GROUP",
                "SCALER_POOLS_LINUX_SCALE_SET_NAME", "SCALER_POOLS_LINUX_SCALE_SET_COMPUTER_NAME_PREFIX"), env.keySet());
        // the runners' nested deployment keeps its name, so an existing deployment sees no change
        assertTrue(MAIN.text.contains("  name: empty(givenScaleSets) ? 'runners' : "), "nested deployment name");
    }

    @Test
    void aOneElementListIsStillTheSingleForm() {
        List<Map<String, Object>> list = scaleSetList(MAIN, json("[{\"name\": \"vmss-a\", \"computerNamePrefix\": \"a\"}]"));
        Map<String, String> env = scaleSetEnvironment(MAIN, list);
        checkScaleSetKeys(list, env);
        assertEquals("vmss-a", env.get("SCALER_POOLS_LINUX_SCALE_SET_NAME"));
    }

    @Test
    void theExamplePoolRendersScaleSetsKeysForEveryScaleSet() {
        JsonNode example = json(Tools.read(EXAMPLE));
        checkExample(example);
        List<Map<String, Object>> list = scaleSetList(MAIN, example);
        assertEquals(example.size(), list.size());
        Map<String, String> env = scaleSetEnvironment(MAIN, list);
        checkScaleSetKeys(list, env);
        assertEquals("vmss-runners-spot", env.get("SCALER_POOLS_LINUX_SCALE_SETS_0__NAME"));
        assertEquals("8", env.get("SCALER_POOLS_LINUX_SCALE_SETS_0__MAX"));
        assertEquals("linux", env.get("SCALER_POOLS_LINUX_SCALE_SETS_1__COMPUTER_NAME_PREFIX"));
        assertFalse(env.containsKey("SCALER_POOLS_LINUX_SCALE_SETS_1__MAX"), "no max: the pool's");

        // drain and max reach the service too
        List<Map<String, Object>> three = scaleSetList(MAIN, json("""
                [{"name": "a", "computerNamePrefix": "a", "max": 3},
                 {"name": "b", "computerNamePrefix": "b", "drain": true},
                 {"name": "c", "computerNamePrefix": "c", "drain": false}]"""));
        Map<String, String> threeEnv = scaleSetEnvironment(MAIN, three);
        checkScaleSetKeys(three, threeEnv);
        assertEquals("true", threeEnv.get("SCALER_POOLS_LINUX_SCALE_SETS_1__DRAIN"));
        assertFalse(threeEnv.containsKey("SCALER_POOLS_LINUX_SCALE_SETS_2__DRAIN"));
    }

    @Test
    void useSpotWithoutRunnerScaleSetsDeploysASpotScaleSetFirstAndARegularOneAfterIt() {
        List<Map<String, Object>> pair = scaleSetList(MAIN, json("[]"), true);
        assertEquals(2, pair.size());
        // the Spot one keeps the one scale set's name and prefix: an existing Spot deployment stays as it was
        assertEquals(literal("runnerScaleSetName"), pair.get(0).get("name"));
        assertEquals(literal("poolName"), pair.get(0).get("computerNamePrefix"));
        assertEquals(literal("runnerScaleSetName") + "-regular", pair.get(1).get("name"));
        assertEquals(literal("poolName") + "reg", pair.get(1).get("computerNamePrefix"));
        assertEquals(List.of("Spot", "Regular"), spotPair(MAIN).stream().map(s -> s.get("priority").asText()).toList());
        assertEquals(List.of("spotMaxPrice", "spotMaxPrice"), spotPairText(MAIN, "spotMaxPrice"), "the max price is spotMaxPrice");
        Map<String, String> env = scaleSetEnvironment(MAIN, pair);
        checkScaleSetKeys(pair, env);
        assertEquals("vmss-runners", env.get("SCALER_POOLS_LINUX_SCALE_SETS_0__NAME"));
        assertEquals("vmss-runners-regular", env.get("SCALER_POOLS_LINUX_SCALE_SETS_1__NAME"));

        // priority, eviction policy Delete and the max price reach each scale set
        assertTrue(MAIN.text.contains("  spot: (givenScaleSets[i].?priority ?? (useSpot ? 'Spot' : 'Regular')) == 'Spot'\n"));
        assertTrue(MAIN.text.contains("  spotMaxPrice: givenScaleSets[i].?spotMaxPrice ?? spotMaxPrice\n"));
        assertTrue(RUNNERS.text.contains("priority: useSpot ? 'Spot' : 'Regular'") && RUNNERS.text.contains("evictionPolicy: useSpot ? 'Delete' : null")
                && RUNNERS.text.contains("maxPrice: json(spotMaxPrice)"), "runners.bicep: Spot, Delete, the max price");
        // neither is lowered: deploy.sh passes every capacity; the azd hook the Regular one's too
        assertTrue(MAIN.text.contains("(givenScaleSets[i].name == '${runnerScaleSetName}-regular' ? runnerRegularCapacity : 0)"));
        assertTrue(Tools.read(Tools.DEPLOY.resolve("scripts/azd-preprovision.sh")).contains("azd env set RUNNER_REGULAR_CAPACITY \"$regular\""));
        assertTrue(Tools.read(Tools.DEPLOY.resolve("main.parameters.json")).contains("\"runnerRegularCapacity\": { \"value\": \"${RUNNER_REGULAR_CAPACITY=0}\" }"));

        // without useSpot one scale set as always; a given runnerScaleSets wins over the pair
        assertEquals(1, scaleSetList(MAIN, json("[]"), false).size());
        JsonNode example = json(Tools.read(EXAMPLE));
        assertEquals(scaleSetList(MAIN, example, false), scaleSetList(MAIN, example, true));
        assertTrue(MAIN.text.contains("\nvar givenScaleSets = empty(runnerScaleSets) ? (useSpot ? spotPair : []) : runnerScaleSets\n"));
    }

    @Test
    void everyScaleSetIsDeployedAndGetsTheComputeRole() {
        checkDeployedAndAssigned(MAIN, ROLES, RUNNERS);
        assertTrue(MAIN.text.contains("], scaleSetEnvironmentLines, empty(githubAppId) ? [] : ["),
                "the scale sets' settings are part of the service's settings");
        assertTrue(MAIN.text.contains(
                "output runnerScaleSetNames array = [for i in range(0, length(runnerScaleSetList)): runners[i].outputs.name]"));
    }

    @Test
    void theChecksCatchAScaleSetWithoutItsKeysOrItsRole() {
        List<Map<String, Object>> list = scaleSetList(MAIN, json(Tools.read(EXAMPLE)));
        // a scale set without its computer-name prefix key
        Bicep noPrefix = mutated(MAIN,
                "  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__COMPUTER_NAME_PREFIX=${runnerScaleSetList[i].computerNamePrefix}'\n", "");
        assertThrows(AssertionError.class, () -> checkScaleSetKeys(list, scaleSetEnvironment(noPrefix, list)));
        // the settings of the first scale set only
        Bicep firstOnly = mutated(MAIN, "] : flatten(map(range(0, length(runnerScaleSetList)), i => concat([",
                "] : flatten(map(range(0, 1), i => concat([");
        assertThrows(AssertionError.class, () -> checkScaleSetKeys(list, scaleSetEnvironment(firstOnly, list)));
        // two scale sets with the same name in the settings
        Bicep sameName = mutated(MAIN, "__NAME=${runnerScaleSetList[i].name}'", "__NAME=${runnerScaleSetList[0].name}'");
        assertThrows(AssertionError.class, () -> checkScaleSetKeys(list, scaleSetEnvironment(sameName, list)));
        // the compute role on the first scale set only
        Bicep roleOnFirst = mutated(MAIN,
                "runnerScaleSetNames: [for i in range(0, length(runnerScaleSetList)): runners[i].outputs.name]",
                "runnerScaleSetNames: [runners[0].outputs.name]");
        assertThrows(AssertionError.class, () -> checkDeployedAndAssigned(roleOnFirst, ROLES, RUNNERS));
        Bicep rolesOnOne = mutated(ROLES, "scope: vmss[i]", "scope: vmss[0]");
        assertThrows(AssertionError.class, () -> checkDeployedAndAssigned(MAIN, rolesOnOne, RUNNERS));
        // a scale set deployed with another prefix than the service is told
        Bicep otherPrefix = mutated(MAIN, "    computerNamePrefix: scaleSet.computerNamePrefix\n", "    computerNamePrefix: poolName\n");
        assertThrows(AssertionError.class, () -> checkDeployedAndAssigned(otherPrefix, ROLES, RUNNERS));
    }

    @Test
    void deployShAndTheReadmePassAndDocumentThePool() {
        String script = Tools.read(Tools.DEPLOY.resolve("scripts/deploy.sh"));
        assertTrue(script.contains("\"runnerCapacities=$capacities\""), "deploy.sh passes every scale set's capacity");
        assertTrue(script.contains("parameters+=(\"runnerScaleSets=$RUNNER_SCALE_SETS\")"), "deploy.sh passes RUNNER_SCALE_SETS");
        assertTrue(MAIN.params().containsKey("runnerScaleSets") && MAIN.params().containsKey("runnerCapacities"));
        assertEquals("runnerScaleSet[]", MAIN.params().get("runnerScaleSets").type());
        String readme = DeployConsistencyTest.DEPLOY_README;
        assertTrue(readme.contains("\n## A pool over several scale sets\n"), "deploy/README.md documents the pool");
        assertTrue(readme.contains(Tools.read(EXAMPLE).strip()), "deploy/README.md shows the example as it is");
        for (String property : typeProperties().keySet()) {
            assertTrue(readme.contains("| `" + property + "` |"), "deploy/README.md does not describe " + property);
        }
    }

    @Test
    void currentCapacityGivesEveryScaleSetOfTheGroup(@TempDir java.nio.file.Path dir) throws IOException {
        // a stand-in for the Azure CLI: a group with two scale sets, one without a capacity yet
        java.nio.file.Path az = dir.resolve("az");
        java.nio.file.Files.writeString(az, """
                #!/usr/bin/env bash
                case "$1 $2" in
                  "group exists") [[ $4 == rg-runners ]] && echo true || echo false ;;
                  "vmss list") if [[ $* == *"[?name=='vmss-runners']"* ]]; then echo 3; else printf 'vmss-runners\t3\nvmss-runners-spot\t\n'; fi ;;
                  *) exit 9 ;;
                esac
                """);
        assertTrue(az.toFile().setExecutable(true));
        Map<String, String> env = Map.of("PATH", dir + ":" + System.getenv("PATH"));
        String script = Tools.DEPLOY.resolve("scripts/current-capacity.sh").toString();
        assertEquals("{\"vmss-runners\":3,\"vmss-runners-spot\":0}",
                Tools.ok(List.of("bash", script, "rg-runners"), env).strip());
        assertEquals("3", Tools.ok(List.of("bash", script, "rg-runners", "vmss-runners"), env).strip());
        assertEquals("{}", Tools.ok(List.of("bash", script, "rg-new"), env).strip());
        assertEquals("0", Tools.ok(List.of("bash", script, "rg-new", "vmss-runners"), env).strip());
        // what deploy.sh passes as runnerCapacities is an object main.bicep reads by scale-set name
        JsonNode capacities = json(Tools.ok(List.of("bash", script, "rg-runners"), env));
        assertEquals(3, capacities.path("vmss-runners").intValue());
        assertTrue(MAIN.text.contains("capacity: runnerCapacities[?givenScaleSets[i].name] ?? "), "capacity by name");
    }

    // ---- the checks ----------------------------------------------------------------------------

    /** One scale set: the scale-set.* keys; several: scale-sets[i].* for each and nothing else; the service reads them back. */
    static void checkScaleSetKeys(List<Map<String, Object>> list, Map<String, String> env) {
        String single = "SCALER_POOLS_LINUX_SCALE_SET_";
        String indexed = "SCALER_POOLS_LINUX_SCALE_SETS_";
        Set<String> names = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (Map<String, Object> s : list) {
            assertTrue(names.add((String) s.get("name")), "scale set " + s.get("name") + " twice");
            assertTrue(prefixes.add(((String) s.get("computerNamePrefix")).toLowerCase()),
                    "computer-name prefix " + s.get("computerNamePrefix") + " twice: runner names would collide");
        }
        if (list.size() == 1) {
            Map<String, Object> s = list.get(0);
            assertEquals(Map.of(single + "SUBSCRIPTION", SUBSCRIPTION, single + "RESOURCE_GROUP", RESOURCE_GROUP,
                    single + "NAME", s.get("name"), single + "COMPUTER_NAME_PREFIX", s.get("computerNamePrefix")), env,
                    "one scale set: the scale-set.* keys");
            return;
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> s = list.get(i);
            String key = indexed + i + "__";
            expected.put(key + "SUBSCRIPTION", SUBSCRIPTION);
            expected.put(key + "RESOURCE_GROUP", RESOURCE_GROUP);
            expected.put(key + "NAME", (String) s.get("name"));
            expected.put(key + "COMPUTER_NAME_PREFIX", (String) s.get("computerNamePrefix"));
            if (((Number) s.get("max")).intValue() != 0) {
                expected.put(key + "MAX", String.valueOf(s.get("max")));
            }
            if (Boolean.TRUE.equals(s.get("drain"))) {
                expected.put(key + "DRAIN", "true");
            }
        }
        assertEquals(expected, env, "several scale sets: scale-sets[i].* for each, in order");

        // as the service reads them: scaler.pools.linux.scale-sets, in the order of the list
        Map<String, String> required = Map.of("scaler.pools.linux.labels", "linux", "scaler.pools.linux.max", "10",
                "scaler.pools.linux.scope", "octo-org/app");
        ScalerConfig config = ScalerConfigs.of(new EnvConfigSource(new LinkedHashMap<>(env), 300),
                new io.smallrye.config.PropertiesConfigSource(required, "required", 100));
        List<PoolConfig.Member> members = config.pools().get("linux").scaleSets().orElseThrow(() -> new AssertionError("no scale-sets"));
        assertEquals(list.size(), members.size(), "scale-sets read by the service");
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> s = list.get(i);
            PoolConfig.Member m = members.get(i);
            assertEquals(s.get("name"), m.name().orElse(null), "scale-sets[" + i + "].name");
            assertEquals(s.get("computerNamePrefix"), m.computerNamePrefix().orElse(null), "scale-sets[" + i + "].computer-name-prefix");
            assertEquals(SUBSCRIPTION, m.subscription().orElse(null));
            assertEquals(RESOURCE_GROUP, m.resourceGroup().orElse(null));
            int max = ((Number) s.get("max")).intValue();
            assertEquals(max == 0 ? OptionalInt.empty() : OptionalInt.of(max), m.max(), "scale-sets[" + i + "].max");
            assertEquals(s.get("drain"), m.drain(), "scale-sets[" + i + "].drain");
        }
    }

    /** Every element of runnerScaleSetList is deployed through runners.bicep with its values and gets the compute role. */
    static void checkDeployedAndAssigned(Bicep main, Bicep roles, Bicep runners) {
        assertTrue(main.text.contains("\nmodule runners 'modules/runners.bicep' = [for scaleSet in runnerScaleSetList: {\n"),
                "one runners module per element of runnerScaleSetList");
        List<String> passed = main.modules().get("runners").getValue();
        String body = main.block("\nmodule runners 'modules/runners.bicep' = [", "\n}]\n");
        Map<String, String> fromElement = Map.of("runnerScaleSetName", "name", "computerNamePrefix", "computerNamePrefix",
                "vmSize", "vmSize", "zones", "zones", "useSpot", "spot", "spotMaxPrice", "spotMaxPrice", "capacity", "capacity");
        fromElement.forEach((param, field) -> {
            assertTrue(passed.contains(param), "runners module is not given " + param);
            assertTrue(body.contains("\n    " + param + ": scaleSet." + field + "\n"), "runners module's " + param + " is not its scale set's " + field);
        });
        assertTrue(runners.text.contains("\n  name: runnerScaleSetName\n") && runners.text.contains("computerNamePrefix: computerNamePrefix\n")
                && runners.text.contains("\noutput name string = vmss.name\n"), "runners.bicep names the scale set as it is given");
        Matcher toRoles = Pattern.compile("\n    runnerScaleSetNames: \\[for (?:\\(\\w+, )?(\\w+)\\)? in "
                + "(?:range\\(0, length\\(runnerScaleSetList\\)\\)|runnerScaleSetList): runners\\[\\1]\\.outputs\\.name]\n")
                .matcher(main.block("\nmodule roles 'modules/roles.bicep' = {", "\n}\n"));
        assertTrue(toRoles.find(), "the roles module is given every deployed scale set");
        assertTrue(roles.text.matches("(?s).*\nresource vmss '[^']+' existing = \\[for (\\w+) in runnerScaleSetNames: \\{\n  name: \\1\n}]\n.*"),
                "roles.bicep refers to every scale set it is given");
        String assignment = roles.block("\nresource computeAssignment ", "\n}]\n");
        assertTrue(assignment.startsWith("'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, length(runnerScaleSetNames)): {\n"),
                "one compute-role assignment per scale set");
        assertTrue(assignment.contains("\n  scope: vmss[i]\n") && assignment.contains("\n  name: guid(vmss[i].id, scalerPrincipalId, computeRole.id)\n"),
                "each assignment on its own scale set");
    }

    static void checkExample(JsonNode example) {
        Map<String, String> type = typeProperties();
        assertTrue(example.isArray() && example.size() >= 2, "the example is a pool of several scale sets");
        Set<String> priorities = new TreeSet<>();
        for (JsonNode s : example) {
            s.fieldNames().forEachRemaining(f -> assertTrue(type.containsKey(f), "runnerScaleSet has no property " + f));
            type.forEach((property, t) -> assertTrue(t.endsWith("?") || s.has(property), "the example lacks " + property));
            priorities.add(s.path("priority").asText());
        }
        assertEquals(Set.of("Regular", "Spot"), priorities, "the example mixes Spot and Regular");
    }

    // ---- evaluation of main.bicep's text ---------------------------------------------------------

    /** main.bicep's runnerScaleSetList for a runnerScaleSets value and useSpot false. */
    static List<Map<String, Object>> scaleSetList(Bicep main, JsonNode runnerScaleSets) {
        return scaleSetList(main, runnerScaleSets, false);
    }

    /**
     * main.bicep's runnerScaleSetList for a runnerScaleSets value and useSpot (givenScaleSets: runnerScaleSets, or
     * the Spot pair when it is empty and useSpot): name, computerNamePrefix, max and drain evaluated.
     */
    static List<Map<String, Object>> scaleSetList(Bicep main, JsonNode runnerScaleSets, boolean useSpot) {
        String start = "var runnerScaleSetList = empty(givenScaleSets) ? [\n  {\n";
        String middle = "\n  }\n] : map(range(0, length(givenScaleSets)), i => {\n";
        String single = main.block(start, middle);
        String each = main.block(start + single + middle, "\n})\n");
        List<JsonNode> given = new ArrayList<>();
        if (!runnerScaleSets.isEmpty()) {
            runnerScaleSets.forEach(given::add);
        } else if (useSpot) {
            given.addAll(spotPair(main));
        }
        List<Map<String, Object>> list = new ArrayList<>();
        if (given.isEmpty()) {
            list.add(element(single, "    ", null));
        } else {
            given.forEach(s -> list.add(element(each, "  ", s)));
        }
        return list;
    }

    /** main.bicep's spotPair, each element's plain values evaluated (as runnerScaleSets elements). */
    static List<com.fasterxml.jackson.databind.node.ObjectNode> spotPair(Bicep main) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> pair = new ArrayList<>();
        for (String object : main.block("\nvar spotPair = [\n  {\n", "\n  }\n]\n").split("\n  }\n  \\{\n")) {
            com.fasterxml.jackson.databind.node.ObjectNode element = new ObjectMapper().createObjectNode();
            Matcher m = Pattern.compile("(?m)^    (\\w+): (.+)$").matcher(object);
            while (m.find()) {
                if (m.group(2).equals("[]")) {
                    continue;
                }
                Object value = evaluate(m.group(2), null);
                if (value instanceof Integer n) {
                    element.put(m.group(1), n);
                } else if (value instanceof Boolean b) {
                    element.put(m.group(1), b);
                } else {
                    element.put(m.group(1), (String) value);
                }
            }
            pair.add(element);
        }
        return pair;
    }

    /** The text of field {@code field} of each element of main.bicep's spotPair. */
    private static List<String> spotPairText(Bicep main, String field) {
        List<String> texts = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^    " + field + ": (.+)$").matcher(main.block("\nvar spotPair = [\n", "\n]\n"));
        while (m.find()) {
            texts.add(m.group(1));
        }
        return texts;
    }

    private static Map<String, Object> element(String object, String indent, JsonNode given) {
        Map<String, Object> element = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^" + indent + "(\\w+): (.+)$").matcher(object);
        while (m.find()) {
            element.put(m.group(1), m.group(2));
        }
        for (String field : List.of("name", "computerNamePrefix", "max", "drain")) {
            assertTrue(element.containsKey(field), "runnerScaleSetList has no " + field);
            element.put(field, evaluate((String) element.get(field), given));
        }
        return element;
    }

    /** {@code a ?? b}, {@code runnerScaleSets[i].x} or {@code .?x}, a parameter's plain default, a literal. */
    private static Object evaluate(String expression, JsonNode given) {
        for (String alternative : expression.split(" \\?\\? ")) {
            Object value = evaluateOne(alternative.trim(), given);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Object evaluateOne(String e, JsonNode given) {
        Matcher field = Pattern.compile("givenScaleSets\\[i]\\.\\??(\\w+)").matcher(e);
        if (field.matches()) {
            JsonNode v = given.get(field.group(1));
            return v == null || v.isNull() ? null : v.isInt() ? (Object) v.intValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asText();
        }
        if (e.matches("-?\\d+")) {
            return Integer.valueOf(e);
        }
        if (e.equals("true") || e.equals("false")) {
            return Boolean.valueOf(e);
        }
        if (e.matches("'[^'$]*'")) {
            return e.substring(1, e.length() - 1);
        }
        if (e.matches("'[^']*'")) {
            // interpolated parameters with plain defaults, e.g. '${runnerScaleSetName}-regular'
            Matcher p = Pattern.compile("\\$\\{(\\w+)}").matcher(e.substring(1, e.length() - 1));
            StringBuilder out = new StringBuilder();
            while (p.find()) {
                p.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(evaluateOne(p.group(1), given))));
            }
            p.appendTail(out);
            return out.toString();
        }
        if (e.matches("\\w+") && MAIN.params().containsKey(e)) {
            Bicep.Param param = MAIN.params().get(e);
            String plain = param.literalDefault().orElseThrow(() -> new AssertionError(e + " has no plain default"));
            return param.type().equals("string") ? plain : evaluateOne(plain, given);
        }
        throw new AssertionError("cannot evaluate " + e);
    }

    /** main.bicep's scaleSetEnvironmentLines for an evaluated runnerScaleSetList, as KEY -> value. */
    static Map<String, String> scaleSetEnvironment(Bicep main, List<Map<String, Object>> list) {
        assertTrue(main.text.contains("\nvar poolKey = toUpper(poolName)\n") && "linux".equals(literal("poolName")));
        String start = "var scaleSetEnvironmentLines = length(runnerScaleSetList) == 1 ? [\n";
        String rest = main.block(start, "\n] : [])))\n");
        Matcher split = Pattern.compile("\n] : flatten\\(map\\(range\\(0, ([^)]+\\)?)\\), i => concat\\(\\[\n").matcher(rest);
        assertTrue(split.find(), "main.bicep's scaleSetEnvironmentLines: one scale set ? [...] : flatten(map(range(0, n), i => concat([...], ...)))");
        String single = rest.substring(0, split.start());
        String each = rest.substring(split.end());
        int count = split.group(1).equals("length(runnerScaleSetList)") ? list.size() : Integer.parseInt(split.group(1));
        List<String> lines = new ArrayList<>();
        if (list.size() == 1) {
            for (String line : single.split("\n")) {
                lines.add(substitute(quoted(line), list, 0));
            }
        } else {
            for (int i = 0; i < count; i++) {
                Map<String, Object> s = list.get(i);
                boolean include = true;
                for (String line : each.split("\n")) {
                    String t = line.trim();
                    if (t.startsWith("'")) {
                        if (include) {
                            lines.add(substitute(quoted(t), list, i));
                        }
                    } else {
                        include = condition(t, s);
                    }
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            assertTrue(env.put(line.substring(0, eq), line.substring(eq + 1)) == null, "set twice: " + line);
        }
        return env;
    }

    /** {@code ], runnerScaleSetList[i].x == 0 ? [] : [} or {@code ], runnerScaleSetList[i].x ? [}: whether the lines below apply. */
    private static boolean condition(String line, Map<String, Object> s) {
        Matcher zero = Pattern.compile("], runnerScaleSetList\\[i]\\.(\\w+) == 0 \\? \\[] : \\[").matcher(line);
        if (zero.matches()) {
            return ((Number) s.get(zero.group(1))).intValue() != 0;
        }
        Matcher flag = Pattern.compile("], runnerScaleSetList\\[i]\\.(\\w+) \\? \\[").matcher(line);
        if (flag.matches()) {
            return Boolean.TRUE.equals(s.get(flag.group(1)));
        }
        throw new AssertionError("cannot evaluate " + line);
    }

    private static String quoted(String line) {
        String t = line.trim();
        assertTrue(t.matches("'[^']*'"), "not a setting line: " + line);
        return t.substring(1, t.length() - 1);
    }

    private static String substitute(String line, List<Map<String, Object>> list, int i) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expr = m.group(1);
            Matcher field = Pattern.compile("runnerScaleSetList\\[(i|0)]\\.(\\w+)").matcher(expr);
            String value;
            if (expr.equals("poolKey")) {
                value = "LINUX";
            } else if (expr.equals("i")) {
                value = String.valueOf(i);
            } else if (expr.equals("subscription().subscriptionId")) {
                value = SUBSCRIPTION;
            } else if (expr.equals("resourceGroup().name")) {
                value = RESOURCE_GROUP;
            } else if (field.matches()) {
                value = String.valueOf(list.get(field.group(1).equals("i") ? i : 0).get(field.group(2)));
            } else {
                throw new AssertionError("cannot evaluate ${" + expr + "} in " + line);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The properties of main.bicep's type runnerScaleSet: name -> type ({@code ?}: optional). */
    static Map<String, String> typeProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^  (\\w+): (.+)$").matcher(MAIN.block("\ntype runnerScaleSet = {\n", "\n}\n"));
        while (m.find()) {
            properties.put(m.group(1), m.group(2));
        }
        return properties;
    }

    private static String literal(String param) {
        return MAIN.params().get(param).literalDefault().orElseThrow();
    }

    private static Bicep mutated(Bicep bicep, String from, String to) {
        assertTrue(bicep.text.contains(from), bicep.file + " no longer contains " + from);
        return new Bicep(bicep.file, bicep.text.replace(from, to));
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
