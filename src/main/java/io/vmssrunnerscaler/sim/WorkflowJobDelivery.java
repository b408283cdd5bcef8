package io.vmssrunnerscaler.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The body of a simulated {@code workflow_job} delivery: a whole payload as GitHub sends it (the
 * template {@code sim/workflow-job-delivery.json} is one of GitHub's example payloads from
 * {@code @octokit/webhooks-examples}), with the job's action, id, labels, runner and repository.
 * The tests hold it to the webhook schema of each action ({@code @octokit/webhooks-schemas}).
 */
public final class WorkflowJobDelivery {
    private static final String TEMPLATE = "/sim/workflow-job-delivery.json";

    /** Read on the first delivery, not at start-up. */
    private static final class Template {
        static final ObjectMapper JSON = new ObjectMapper();
        static final ObjectNode PAYLOAD = read();

        private static ObjectNode read() {
            try (InputStream in = WorkflowJobDelivery.class.getResourceAsStream(TEMPLATE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + TEMPLATE);
                }
                return (ObjectNode) JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private WorkflowJobDelivery() {
    }

    public static byte[] body(WorkflowJob job) {
        ObjectNode root = Template.PAYLOAD.deepCopy();
        root.put("action", job.action());
        ObjectNode wj = (ObjectNode) root.get("workflow_job");
        boolean done = job.action().equals("completed");
        wj.put("id", job.jobId());
        wj.put("run_id", job.runId() != 0 ? job.runId() : job.jobId() * 10);
        wj.put("status", job.action());
        if (job.createdAt() != null) {
            wj.put("created_at", java.time.format.DateTimeFormatter.ISO_INSTANT.format(job.createdAt()));
        }
        wj.putArray("labels").addAll(job.labels().stream().map(Template.JSON.getNodeFactory()::textNode).toList());
        if (done) {
            wj.put("conclusion", job.conclusion() != null ? job.conclusion() : "success")
                    .put("completed_at", wj.get("started_at").asText());
        } else {
            wj.putNull("conclusion").putNull("completed_at");
        }
        if (job.runnerName() == null) {
            wj.putNull("runner_name").putNull("runner_id").putNull("runner_group_id").putNull("runner_group_name");
        } else {
            wj.put("runner_name", job.runnerName()).put("runner_id", 1).put("runner_group_id", 1).put("runner_group_name", "Default");
        }
        String[] name = job.repositoryFullName().split("/", 2);
        ObjectNode repository = (ObjectNode) root.get("repository");
        repository.put("full_name", job.repositoryFullName()).put("name", name.length > 1 ? name[1] : name[0]);
        ((ObjectNode) repository.get("owner")).put("login", name[0]);
        if (job.organisation() != null) {
            ((ObjectNode) root.get("organization")).put("login", job.organisation());
        } else {
            root.remove("organization"); // a user's repository: no organization in the payload
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
