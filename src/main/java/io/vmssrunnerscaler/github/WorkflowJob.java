package io.vmssrunnerscaler.github;

import java.util.List;

/**
 * The fields of a {@code workflow_job} delivery the scaler acts on.
 *
 * @param action queued, waiting, in_progress or completed
 * @param runnerName null until a runner took the job
 * @param organisation {@code organization.login}, null for a user-owned repository
 * @param runId the job's workflow run, 0 when not given
 * @param conclusion how it ended ({@code success}, {@code failure}, {@code cancelled}, ...); null until completed
 * @param createdAt when GitHub created the job ({@code workflow_job.created_at}); null when not given
 */
public record WorkflowJob(String action, long jobId, List<String> labels, String runnerName,
        String repositoryFullName, String organisation, long runId, String conclusion, java.time.Instant createdAt) {
    public WorkflowJob {
        labels = List.copyOf(labels);
    }

    /** Without GitHub's creation time. */
    public WorkflowJob(String action, long jobId, List<String> labels, String runnerName, String repositoryFullName,
            String organisation, long runId, String conclusion) {
        this(action, jobId, labels, runnerName, repositoryFullName, organisation, runId, conclusion, null);
    }

    /** Without its run and conclusion. */
    public WorkflowJob(String action, long jobId, List<String> labels, String runnerName, String repositoryFullName,
            String organisation) {
        this(action, jobId, labels, runnerName, repositoryFullName, organisation, 0, null);
    }
}
