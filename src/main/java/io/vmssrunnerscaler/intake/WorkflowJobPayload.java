package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.util.ArrayList;
import java.util.List;

/** The parts of a {@code workflow_job} delivery the scaler reads; everything else is ignored. */
@RegisterForReflection(ignoreNested = false)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowJobPayload(
        String action,
        @JsonProperty("workflow_job") Job workflowJob,
        Repository repository,
        Organization organization) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Job(Long id, @JsonProperty("run_id") Long runId, List<String> labels, String status,
            String conclusion, @JsonProperty("runner_name") String runnerName,
            @JsonProperty("created_at") String createdAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(@JsonProperty("full_name") String fullName) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Organization(String login) {}

    /** Every missing field the scaler needs, by its JSON path; empty when the payload is usable. */
    public List<String> missingFields() {
        List<String> missing = new ArrayList<>();
        if (action == null || action.isBlank()) {
            missing.add("action");
        }
        if (workflowJob == null) {
            missing.add("workflow_job");
        } else {
            if (workflowJob.id() == null) {
                missing.add("workflow_job.id");
            }
            if (workflowJob.labels() == null) {
                missing.add("workflow_job.labels");
            }
        }
        if (repository == null || repository.fullName() == null || repository.fullName().isBlank()) {
            missing.add("repository.full_name");
        }
        return missing;
    }

    public WorkflowJob toWorkflowJob() {
        return new WorkflowJob(action, workflowJob.id(), workflowJob.labels().stream().filter(l -> l != null).toList(),
                workflowJob.runnerName(), repository.fullName(), organization == null ? null : organization.login(),
                workflowJob.runId() == null ? 0 : workflowJob.runId(), workflowJob.conclusion(),
                createdAt(workflowJob.createdAt()));
    }

    /**
     * GitHub's creation time, or null when absent or not a timestamp: it only measures GitHub's
     * delay, so a delivery is never refused over it.
     */
    static java.time.Instant createdAt(String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
