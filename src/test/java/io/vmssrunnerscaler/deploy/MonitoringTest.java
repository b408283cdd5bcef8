package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring pieces agree with each other and with the service (no Bicep compiler here: the
 * .bicep text is read): the JSON log file the unit writes is the one the data collection rule reads
 * and logrotate rotates; the transformation projects exactly the columns of the table ScalerLogs_CL,
 * from the fields the service writes; the metrics agent scrapes the service with the credential its
 * unit loads and writes where monitoring.bicep's rule and role say; the alert watches the documented
 * gauge with the threshold parameter, which main.bicep, azd's parameter file, deploy.sh and
 * deploy/README.md carry alike.
 */
class MonitoringTest {
    static final Bicep MAIN = DeployConsistencyTest.MAIN;
    static final Bicep MONITORING = new Bicep(Tools.DEPLOY.resolve("modules/monitoring.bicep"));
    static final Bicep SCALER_VM = new Bicep(Tools.DEPLOY.resolve("modules/scaler-vm.bicep"));
    static final String README = DeployConsistencyTest.DEPLOY_README;
    static final String UNIT = Tools.read(Tools.DEPLOY.resolve("scaler/vmss-runner-scaler.service"));
    static final String CONFIGURE = Tools.read(Tools.DEPLOY.resolve("scaler/configure-scaler.sh"));

    /** A line as quarkus-logging-json writes it in production, with the MDC the scaler sets. */
    static final String SAMPLE_LINE = "{\"timestamp\":\"2026-12-06T12:00:01.234Z\",\"sequence\":7,\"loggerClassName\":\"org.jboss.logging.Logger\","
            + "\"loggerName\":\"io.vmssrunnerscaler.audit\",\"level\":\"INFO\",\"message\":\"capacity raised\",\"threadName\":\"executor-1\","
            + "\"threadId\":42,\"mdc\":{\"pool\":\"linux\",\"instance\":\"3\",\"runner\":\"linux000003\",\"job\":\"4711\","
            + "\"actor\":\"scaler\",\"source\":\"reconcile\",\"action\":\"set-capacity\"},\"hostName\":\"vmss-scaler\"}";

    @Test
    void theServicesLogFileIsTheOneTheRuleReadsAndLogrotateRotates() {
        String file = stringVar(MONITORING, "scalerLogFile");
        assertTrue(UNIT.contains("\nStandardOutput=append:" + file + "\n"), "the unit writes another file than the rule reads");
        assertTrue(UNIT.contains("\nStandardError=journal\n"), "standard error stays in the journal");
        String rule = resource(MONITORING, "jsonLogs");
        assertTrue(rule.contains("filePatterns: [\n            scalerLogFile\n"), "the rule's file pattern: " + rule);
        assertTrue(rule.contains("format: 'text'"), rule);
        String logrotate = Tools.read(Tools.DEPLOY.resolve("scaler/logrotate.conf"));
        assertTrue(logrotate.contains("\n" + file + " {\n"), "logrotate rotates another file");
        // systemd keeps the file open: a rename would leave the service writing to the copy
        assertTrue(logrotate.contains("\n    copytruncate\n"), logrotate);
        assertTrue(CONFIGURE.contains("log_dir=$root" + file.substring(0, file.lastIndexOf('/')) + "\n")
                && CONFIGURE.contains("$log_dir/" + file.substring(file.lastIndexOf('/') + 1)), "configure-scaler.sh makes another file");
        assertTrue(CONFIGURE.contains("decode \"${LOGROTATE_CONF_B64:?}\" >\"$root/etc/logrotate.d/vmss-runner-scaler\""));
    }

    @Test
    void theTransformationFillsExactlyTheTablesColumnsFromTheFieldsTheServiceWrites() throws Exception {
        String table = stringVar(MONITORING, "scalerLogTable");
        assertEquals("ScalerLogs_CL", table);
        String tableBlock = resource(MONITORING, "scalerLogs");
        assertTrue(tableBlock.contains("name: scalerLogTable\n") && tableBlock.contains("'Microsoft.OperationalInsights/workspaces/tables@"),
                tableBlock);
        Map<String, String> columns = new LinkedHashMap<>();
        Matcher c = Pattern.compile("\\{ name: '(\\w+)', type: '(\\w+)'").matcher(tableBlock);
        while (c.find()) {
            columns.put(c.group(1), c.group(2));
        }
        assertEquals("dateTime", columns.get("TimeGenerated"), "every table needs TimeGenerated: " + columns);

        String transform = stringVar(MONITORING, "scalerLogTransform");
        Map<String, String> projected = projection(transform);
        assertEquals(new ArrayList<>(columns.keySet()), new ArrayList<>(projected.keySet()),
                "the transformation's output must be the table's columns, in order");
        projected.forEach((column, expression) -> {
            if (expression.startsWith("tostring(")) {
                assertEquals("string", columns.get(column), column);
            }
        });
        assertEquals("dynamic", columns.get("Exception"));
        assertEquals("dynamic", columns.get("Mdc"));

        // the input stream: what the agent gives a text log, and nothing else is read from source
        String rule = resource(MONITORING, "jsonLogs");
        assertTrue(rule.contains("{ name: 'TimeGenerated', type: 'datetime' }") && rule.contains("{ name: 'RawData', type: 'string' }")
                && rule.contains("{ name: 'Computer', type: 'string' }"), rule);
        assertTrue(rule.contains("outputStream: 'Custom-${scalerLogTable}'"), rule);
        assertTrue(rule.contains("transformKql: scalerLogTransform"), rule);
        assertTrue(rule.contains("dependsOn: [\n    scalerLogs\n  ]"), "the table must exist before the rule names it");
        // only functions Azure Monitor allows in a transformation (no coalesce, no summarize)
        Matcher f = Pattern.compile("(\\w+)\\(").matcher(transform);
        while (f.find()) {
            assertTrue(List.of("parse_json", "todatetime", "iif", "isnull", "tostring").contains(f.group(1)), f.group(1));
        }

        // evaluated on a line as the service writes it: each column gets the field it names
        JsonNode line = new ObjectMapper().readTree(SAMPLE_LINE);
        Map<String, String> expected = Map.of("Level", "INFO", "Logger", "io.vmssrunnerscaler.audit", "Message", "capacity raised",
                "Pool", "linux", "Instance", "3", "Runner", "linux000003", "Job", "4711", "Actor", "scaler", "AuditSource", "reconcile",
                "Action", "set-capacity");
        expected.forEach((column, value) -> {
            Matcher field = Pattern.compile("tostring\\(d\\.([\\w.]+)\\)").matcher(projected.get(column));
            assertTrue(field.matches(), column + " = " + projected.get(column));
            JsonNode node = line;
            for (String part : field.group(1).split("\\.")) {
                node = node.path(part);
            }
            assertEquals(value, node.asText(), column + " reads d." + field.group(1));
        });
        assertTrue(projected.get("TimeGenerated").contains("todatetime(d.timestamp)") || transform.contains("t = todatetime(d.timestamp)"));
        assertEquals("d.mdc", projected.get("Mdc"));
        assertEquals("d.exception", projected.get("Exception"));
    }

    @Test
    void theVmsAgentFollowsBothLogRulesAndTheMetricsAgentWritesWhereTheRoleAllows() {
        String outputs = MONITORING.text.substring(MONITORING.text.indexOf("output dataCollectionRuleIds array"));
        assertTrue(outputs.startsWith("output dataCollectionRuleIds array = [\n  dcr.id\n  jsonLogs.id\n]"), outputs);
        assertTrue(MAIN.text.contains("dataCollectionRuleIds: enableMonitoring ? monitoring.outputs.dataCollectionRuleIds : []"));
        assertTrue(MAIN.text.contains("metricsRemoteWriteUrl: enableMonitoring ? monitoring.outputs.metricsRemoteWriteUrl : ''"));
        assertTrue(SCALER_VM.text.contains("[for ruleId in dataCollectionRuleIds: {") && SCALER_VM.text.contains("dataCollectionRuleId: ruleId"));
        assertTrue(SCALER_VM.text.contains("{ name: 'METRICS_REMOTE_WRITE_URL', value: metricsRemoteWriteUrl }"));

        // remote write goes to the rule's endpoint, for that rule, on the stream the rule forwards
        Matcher url = Pattern.compile("output metricsRemoteWriteUrl string = enableMetrics \\? '\\$\\{metricsEndpoint\\.properties\\.metricsIngestion\\.endpoint}"
                + "/dataCollectionRules/\\$\\{metricsRule\\.properties\\.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write\\?api-version=[\\d-]+' : ''")
                .matcher(MONITORING.text);
        assertTrue(url.find(), "remote-write URL");
        String rule = resource(MONITORING, "metricsRule");
        assertTrue(rule.contains("dataCollectionEndpointId: metricsEndpoint.id") && rule.contains("accountResourceId: metricsWorkspace.id")
                && rule.contains("'Microsoft-PrometheusMetrics'"), rule);
        String role = resource(MONITORING, "metricsPublisher");
        assertTrue(role.contains("scope: metricsRule") && role.contains("principalId: scalerPrincipalId"), role);
        assertEquals("'3913510d-42f4-4e42-8a64-420c390055eb'", MONITORING.text.replaceAll("(?s).*var metricsPublisherRoleId = ([^\\n]+)\\n.*", "$1"),
                "Monitoring Metrics Publisher");
        assertTrue(MAIN.text.contains("scalerPrincipalId: identity.outputs.principalId"), "the role is the scaler identity's");

        // the agent on the VM: scrapes the service's metrics with the credential its unit loads, signs in as the scaler
        String prometheus = Tools.read(Tools.DEPLOY.resolve("scaler/prometheus.yml"));
        String metricsUnit = Tools.read(Tools.DEPLOY.resolve("scaler/vmss-scaler-metrics.service"));
        Matcher credential = Pattern.compile("\nLoadCredential=([\\w-]+):(\\S+)\n").matcher(metricsUnit);
        assertTrue(credential.find(), metricsUnit);
        assertTrue(prometheus.contains("credentials_file: /run/credentials/vmss-scaler-metrics.service/" + credential.group(1) + "\n"), prometheus);
        assertTrue(prometheus.contains("metrics_path: /q/metrics\n") && prometheus.contains("targets: ['127.0.0.1:__SERVICE_PORT__']"));
        assertTrue(prometheus.contains("url: '__REMOTE_WRITE_URL__'") && prometheus.contains("client_id: '__CLIENT_ID__'"));
        assertTrue(DeployConsistencyTest.README.contains("| `GET /q/metrics` |"), "the service serves /q/metrics");
        String tokenScript = Tools.read(Tools.DEPLOY.resolve("scaler/metrics-token.sh"));
        assertTrue(tokenScript.contains("token_file=${TOKEN_FILE:-" + credential.group(2) + "}"), "the token goes elsewhere than the unit loads it from");
        assertTrue(CONFIGURE.contains("metrics_dir=$etc_dir/metrics") && credential.group(2).equals("/etc/vmss-runner-scaler/metrics/operator-token"));
        assertTrue(metricsUnit.contains("--config.file=/etc/vmss-runner-scaler/metrics/prometheus.yml") && metricsUnit.contains(" --agent "));
        assertTrue(metricsUnit.contains("--web.listen-address=127.0.0.1:9090"), "the agent's own port stays on the VM");
        assertTrue(metricsUnit.contains("\nDynamicUser=yes\n"), "the agent runs as no user of the VM");
    }

    @Test
    void theAlertWatchesTheDocumentedGaugeWithTheThresholdParameter() throws Exception {
        String metric = stringVar(MONITORING, "waitMetric");
        assertEquals("scaler_pool_oldest_waiting_seconds", metric);
        String alerts = resource(MONITORING, "alerts");
        assertTrue(alerts.startsWith("resource alerts 'Microsoft.AlertsManagement/prometheusRuleGroups@"), alerts);
        assertTrue(alerts.contains("expression: 'max by (pool) (${waitMetric}) > ${alertWaitThreshold}'"), alerts);
        assertTrue(alerts.contains("scopes: [\n      metricsWorkspace.id\n    ]"), "the rule group must watch the workspace the agent writes to");
        assertTrue(alerts.contains("actions: empty(alertEmail) ? [] : [") && alerts.contains("actionGroupId: alertGroup.id"), alerts);
        String group = resource(MONITORING, "alertGroup");
        assertTrue(group.contains("if (enableMetrics && !empty(alertEmail))") && group.contains("emailAddress: alertEmail"), group);
        Matcher shortName = Pattern.compile("groupShortName: '([^']*)'").matcher(group);
        assertTrue(shortName.find() && shortName.group(1).length() <= 12, "an action group's short name has at most 12 characters");

        // deploy/README.md documents the gauge and the alert by that name
        String section = section(README, "## Monitoring");
        assertTrue(section.contains("`" + metric + "{pool}`"), "deploy/README.md, Monitoring, does not document " + metric);
        assertTrue(section.contains("`alertWaitThreshold`") && section.contains("`alertEmail`"), "the alert's parameters");

        // the parameters: declared, passed to the module, in azd's file and deploy.sh with the same default
        Map<String, Bicep.Param> params = MAIN.params();
        Map<String, Bicep.Param> moduleParams = MONITORING.params();
        String script = Tools.read(Tools.DEPLOY.resolve("scripts/deploy.sh"));
        JsonNode azd = new ObjectMapper().readTree(Tools.read(Tools.DEPLOY.resolve("main.parameters.json"))).path("parameters");
        for (String[] p : new String[][] {{"alertWaitThreshold", "ALERT_WAIT_THRESHOLD"}, {"alertEmail", "ALERT_EMAIL"}}) {
            String name = p[0];
            assertTrue(params.containsKey(name) && moduleParams.containsKey(name), name + " declared in main.bicep and monitoring.bicep");
            assertTrue(MAIN.modules().get("monitoring").getValue().contains(name), "main.bicep does not pass " + name + " to monitoring");
            assertTrue(MAIN.text.contains("    " + name + ": " + name + "\n"), name + " is passed as itself");
            String dflt = params.get(name).literalDefault().orElseThrow();
            assertEquals("${" + p[1] + "=" + dflt + "}", azd.path(name).path("value").asText(), "main.parameters.json, " + name);
            assertTrue(script.contains("\"" + name + "=${" + p[1] + ":-" + dflt + "}\""), "deploy.sh, " + name);
        }
        assertEquals("900", params.get("alertWaitThreshold").literalDefault().orElseThrow());
        assertTrue(MAIN.text.contains("@minValue(60)\n@description('Seconds the oldest waiting job"), "a threshold below a minute only makes noise");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The value of {@code var NAME = '...'} (no interpolation). */
    static String stringVar(Bicep bicep, String name) {
        Matcher m = Pattern.compile("(?m)^var " + name + " = '((?:[^'\\\\]|\\\\.)*)'$").matcher(bicep.text);
        assertTrue(m.find(), bicep.file + " has no string var " + name);
        return m.group(1);
    }

    /** The text of {@code resource NAME ...} up to its closing brace at the start of a line. */
    static String resource(Bicep bicep, String name) {
        int from = bicep.text.indexOf("\nresource " + name + " '");
        assertTrue(from >= 0, bicep.file + " has no resource " + name);
        int to = bicep.text.indexOf("\n}", from + 1);
        return bicep.text.substring(from + 1, to + 2);
    }

    /** The columns of the transformation's final {@code project}: name -> expression (the name itself when bare). */
    static Map<String, String> projection(String kql) {
        String list = kql.substring(kql.lastIndexOf("| project ") + "| project ".length());
        Map<String, String> columns = new LinkedHashMap<>();
        int depth = 0;
        StringBuilder item = new StringBuilder();
        for (char ch : (list + ",").toCharArray()) {
            if (ch == ',' && depth == 0) {
                String text = item.toString().trim();
                int eq = text.indexOf(" = ");
                columns.put(eq < 0 ? text : text.substring(0, eq).trim(), eq < 0 ? text : text.substring(eq + 3).trim());
                item.setLength(0);
                continue;
            }
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            item.append(ch);
        }
        assertFalse(columns.isEmpty(), kql);
        return columns;
    }

    static String section(String markdown, String heading) {
        int from = markdown.indexOf("\n" + heading + "\n");
        assertTrue(from >= 0, "no section " + heading);
        int to = markdown.indexOf("\n## ", from + heading.length() + 1);
        return markdown.substring(from, to < 0 ? markdown.length() : to);
    }
}
