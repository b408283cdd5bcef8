package io.vmssrunnerscaler.fakes.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub's webhook payload schemas ({@code @octokit/webhooks-schemas}, JSON Schema draft 7): checks a
 * {@code workflow_job} delivery against the schema of its action ({@code workflow_job$queued}, ...).
 */
public final class WebhookSchemas {
    private static final String IRI = "https://specs.invalid/octokit-webhooks-schemas-7.6.1.json";

    private final SchemaRegistry registry;
    private final Map<String, Schema> byAction = new ConcurrentHashMap<>();

    private WebhookSchemas(String text) {
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft7(),
                b -> b.schemas(location -> location.equals(IRI) ? text : null));
    }

    /** The schemas as the build installed them (read once per test JVM). */
    public static WebhookSchemas installed() {
        return Installed.SCHEMAS;
    }

    /** What in a {@code workflow_job} payload its action's schema does not allow; empty when it conforms. */
    public List<String> workflowJobViolations(JsonNode payload) {
        String action = payload.path("action").asText();
        Schema schema = byAction.computeIfAbsent(action, a -> registry.getSchema(SchemaLocation.of("https://specs.invalid/workflow_job-" + a + ".json"),
                new ObjectMapper().createObjectNode().put("$ref", IRI + "#/definitions/workflow_job$" + a)));
        return schema.validate(payload).stream().map(Error::toString).toList();
    }

    private static final class Installed {
        static final WebhookSchemas SCHEMAS = read();

        private static WebhookSchemas read() {
            try {
                return new WebhookSchemas(Files.readString(Specs.WEBHOOK_SCHEMAS));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + Specs.WEBHOOK_SCHEMAS, e);
            }
        }
    }
}
