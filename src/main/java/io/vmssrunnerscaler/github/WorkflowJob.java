package io.vmssrunnerscaler.github;

import java.util.List;

/**
 * The fields of a {@code workflow_job} delivery the scaler acts on.
 *
 * @param action queued, waiting, in_progress or completed
 * @param runnerName null until a runner took the job
 * @param organisation {@code organization.login}, null for a user-owned repository
 */
public record WorkflowJob(String action, long jobId, List<String> labels, String runnerName,
        String repositoryFullName, String organisation) {
    public WorkflowJob {
        labels = List.copyOf(labels);
    }
}
