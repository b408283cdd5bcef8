package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmssrunnerscaler.fakes.spec.WebhookSchemas;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator's deliveries are GitHub's: each action's payload passes that action's webhook schema. */
class WorkflowJobDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"queued", "waiting", "in_progress", "completed"})
    void everyActionConformsToItsSchema(String action) throws Exception {
        String runner = action.equals("queued") || action.equals("waiting") ? null : "vmss-runner-000001";
        for (String org : new String[] {"octo-org", null}) {
            JsonNode payload = JSON.readTree(WorkflowJobDelivery.body(
                    new WorkflowJob(action, 4242, List.of("self-hosted", "linux"), runner, "octo-org/demo", org)));
            assertEquals(List.of(), WebhookSchemas.installed().workflowJobViolations(payload), action + " " + org);
            assertEquals(4242, payload.path("workflow_job").path("id").asLong());
            assertEquals("octo-org/demo", payload.path("repository").path("full_name").asText());
            assertEquals(org != null, payload.has("organization"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sender", "repository"})
    void theSchemaCheckNamesAMissingRequiredField(String field) throws Exception {
        ObjectNode payload = (ObjectNode) JSON.readTree(WorkflowJobDelivery.body(
                new WorkflowJob("queued", 1, List.of("linux"), null, "octo-org/demo", "octo-org")));
        payload.remove(field);
        List<String> violations = WebhookSchemas.installed().workflowJobViolations(payload);
        assertFalse(violations.isEmpty());
        assertTrue(violations.stream().anyMatch(v -> v.contains(field)), violations::toString);
    }
}
