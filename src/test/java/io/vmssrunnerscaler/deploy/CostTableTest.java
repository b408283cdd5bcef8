package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/README.md, "What it costs", prices what the Bicep deploys by default: the VM sizes, disk
 * types and tiers, and the SKUs of the network, storage, vault and workspace are read from the
 * Bicep, so a changed default fails here until the table follows; so does a new kind of resource.
 */
class CostTableTest {
    static final String MODULES = "modules/";
    /** Standard SSD tiers by size, GiB: a disk is billed as the smallest tier that holds it. */
    static final Map<Integer, String> STANDARD_SSD_TIERS = new java.util.TreeMap<>(Map.of(4, "E1", 8, "E2", 16, "E3", 32, "E4",
            64, "E6", 128, "E10", 256, "E15", 512, "E20", 1024, "E30"));
    /** Ubuntu 24.04's marketplace image: the scaler's OS disk has no size of its own. */
    static final int IMAGE_DISK_GIB = 30;
    /** Every resource type of the Bicep -> the row of the table that prices it (or says it is free). */
    static final Map<String, String> ROW_OF_TYPE = Map.ofEntries(
            Map.entry("Microsoft.Compute/virtualMachines", "scaler VM"),
            Map.entry("Microsoft.Compute/virtualMachines/extensions", "data collection rules and endpoint, action group (e-mail)"),
            Map.entry("Microsoft.Compute/virtualMachines/runCommands", "scaler VM"),
            Map.entry("Microsoft.Compute/virtualMachineScaleSets", "runner VM"),
            Map.entry("Microsoft.Network/loadBalancers", "load balancer"),
            Map.entry("Microsoft.Network/publicIPAddresses", "its public IP"),
            Map.entry("Microsoft.Network/natGateways", "NAT gateway"),
            Map.entry("Microsoft.Network/networkInterfaces", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Network/networkSecurityGroups", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Network/virtualNetworks", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Network/virtualNetworks/subnets", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.ManagedIdentity/userAssignedIdentities", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Authorization/roleDefinitions", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Authorization/roleAssignments", "virtual network, NSGs, NICs, identity, custom roles"),
            Map.entry("Microsoft.Storage/storageAccounts", "storage account, queue `busy-runners`"),
            Map.entry("Microsoft.Storage/storageAccounts/queueServices", "storage account, queue `busy-runners`"),
            Map.entry("Microsoft.Storage/storageAccounts/queueServices/queues", "storage account, queue `busy-runners`"),
            Map.entry("Microsoft.KeyVault/vaults", "Key Vault"),
            Map.entry("Microsoft.OperationalInsights/workspaces", "Log Analytics workspace"),
            Map.entry("Microsoft.OperationalInsights/workspaces/tables", "Log Analytics workspace"),
            Map.entry("Microsoft.Monitor/accounts", "Azure Monitor workspace (managed Prometheus) and its alert rule group"),
            Map.entry("Microsoft.AlertsManagement/prometheusRuleGroups", "Azure Monitor workspace (managed Prometheus) and its alert rule group"),
            Map.entry("Microsoft.Insights/dataCollectionRules", "data collection rules and endpoint, action group (e-mail)"),
            Map.entry("Microsoft.Insights/dataCollectionEndpoints", "data collection rules and endpoint, action group (e-mail)"),
            Map.entry("Microsoft.Insights/dataCollectionRuleAssociations", "data collection rules and endpoint, action group (e-mail)"),
            Map.entry("Microsoft.Insights/actionGroups", "data collection rules and endpoint, action group (e-mail)"));

    @Test
    void theTablePricesTheBicepsDefaults() {
        String table = costSection();
        Bicep main = DeployConsistencyTest.MAIN;
        String scalerVm = module("scaler-vm.bicep");
        String runners = module("runners.bicep");
        String network = module("network.bicep");

        assertRow(table, "scaler VM", "`" + literal(main, "scalerVmSize") + "`, Linux");
        assertRow(table, "runner VM", "`" + literal(main, "runnerVmSize") + "`, Linux, Regular");
        assertEquals("false", literal(main, "useSpot"), "the table prices Regular runners");

        // disks: the type each VM gets, and the tier its size is billed as
        assertFalse(scalerVm.contains("diskSizeGB"), "the scaler's disk got a size: price it in the table");
        assertRow(table, "scaler OS disk", "`" + only(scalerVm, "storageAccountType: '(\\w+)'") + "`, the image's " + IMAGE_DISK_GIB
                + " GiB, billed as `" + tier(IMAGE_DISK_GIB) + "`");
        int runnerDisk = Integer.parseInt(literal(main, "runnerOsDiskSizeGb"));
        assertRow(table, "runner OS disk", "`" + only(runners, "storageAccountType: '(\\w+)'") + "`, " + runnerDisk
                + " GB, billed as `" + tier(runnerDisk) + "`");

        // the network: the load balancer's rules (the first 5 are in its hourly price), the public IPs, the NAT gateway
        int rules = count(scalerVm, "(?m)^var \\w+Rule = \\{$");
        assertTrue(rules <= 5, "more than 5 load-balancing rules are billed per rule: price them in the table");
        assertRow(table, "load balancer", "`" + only(scalerVm, "(?s)resource lb [^\\n]+\\n.*?sku: \\{\\s+name: '(\\w+)'") + "`, " + rules + " rules");
        Set<String> ipSkus = new TreeSet<>();
        for (String text : List.of(scalerVm, network)) {
            Matcher ip = Pattern.compile("(?s)Microsoft\\.Network/publicIPAddresses@[^\\n]+\\n.*?sku: \\{\\s+name: '(\\w+)'").matcher(text);
            while (ip.find()) {
                ipSkus.add(ip.group(1));
            }
        }
        assertEquals(Set.of("Standard"), ipSkus, "public IP SKUs");
        assertEquals(2, count(table, "(?m)^\\| its public IP \\| `Standard`, static \\|"), "one row per public IP");
        assertEquals(2, count(scalerVm + network, "'Microsoft\\.Network/publicIPAddresses@"), "public IPs of the Bicep");
        assertRow(table, "NAT gateway", "`" + only(network, "(?s)resource nat [^\\n]+\\n.*?sku: \\{\\s+name: '(\\w+)'") + "`");

        // storage, vault, logs
        assertRow(table, "storage account, queue `busy-runners`", "`" + only(module("storage.bicep"), "sku: \\{\\s+name: '(\\w+)'") + "`, StorageV2");
        assertRow(table, "Key Vault", "`" + only(module("keyvault.bicep"), "sku: \\{\\s+family: 'A'\\s+name: '(\\w+)'") + "`");
        assertRow(table, "Log Analytics workspace", "`" + only(module("monitoring.bicep"), "sku: \\{\\s+name: '(\\w+)'") + "`, "
                + literal(main, "logRetentionInDays") + " days kept");
    }

    @Test
    void everyKindOfResourceHasItsRow() {
        String table = costSection();
        Set<String> types = new TreeSet<>();
        for (String file : List.of("main.bicep", MODULES + "identity.bicep", MODULES + "keyvault.bicep", MODULES + "monitoring.bicep",
                MODULES + "network.bicep", MODULES + "roles.bicep", MODULES + "runners.bicep", MODULES + "scaler-vm.bicep",
                MODULES + "storage.bicep")) {
            Matcher m = Pattern.compile("(?m)^resource \\w+ '([^@']+)@").matcher(Tools.read(Tools.DEPLOY.resolve(file)));
            while (m.find()) {
                types.add(m.group(1));
            }
        }
        assertEquals(new TreeSet<>(ROW_OF_TYPE.keySet()), types, "a kind of resource the cost table does not account for (or no longer there)");
        for (String row : new TreeSet<>(ROW_OF_TYPE.values())) {
            assertTrue(table.contains("\n| " + row + " |"), "the cost table has no row " + row);
        }
        // the sums are the rows' prices
        assertTrue(table.contains("| $0.0416 | $30.37 |") && table.contains("| $0.096 | $0.096 |"), "prices");
        assertTrue(table.contains("about **$101**") && table.contains("about **$190**"), "the example month");
        assertTrue(table.contains("2026-12-06") && table.contains("East US"), "the date and region of the prices");
    }

    private static String costSection() {
        String readme = DeployConsistencyTest.DEPLOY_README;
        int from = readme.indexOf("\n## What it costs\n");
        assertTrue(from >= 0, "deploy/README.md has no section What it costs");
        int to = readme.indexOf("\n## ", from + 5);
        return readme.substring(from, to);
    }

    private static void assertRow(String table, String resource, String sku) {
        String start = "\n| " + resource + " | " + sku;
        assertTrue(table.contains(start + " |") || table.contains(start + ",") || table.contains(start + " ("),
                "deploy/README.md, What it costs: no row " + start.strip() + " ...");
    }

    private static String module(String name) {
        return Tools.read(Tools.DEPLOY.resolve(MODULES + name));
    }

    private static String literal(Bicep bicep, String param) {
        return bicep.params().get(param).literalDefault().orElseThrow(() -> new AssertionError(param + " has no plain default"));
    }

    private static String only(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        Set<String> found = new TreeSet<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(1, found.size(), regex + " found " + found);
        return found.iterator().next();
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String tier(int gib) {
        return STANDARD_SSD_TIERS.entrySet().stream().filter(e -> e.getKey() >= gib).findFirst()
                .orElseThrow(() -> new AssertionError(gib + " GiB: no tier in the table")).getValue();
    }
}
