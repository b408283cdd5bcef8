package io.vmssrunnerscaler.github;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The GitHub calls the scaler makes. */
public interface GitHubPort {

    /** Creates a just-in-time runner configuration: the runner exists at GitHub from then on. */
    Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String runnerGroup);

    /** A registration token for {@code config.sh} (the original design's mode). Valid one hour. */
    Uni<RegistrationToken> createRegistrationToken(RunnerScope scope);

    /**
     * Removes an idle runner so that no job can land on it before its VM is deleted. Fails with
     * {@link RunnerBusyException} when GitHub has already given it a job; succeeds when no such
     * runner exists.
     */
    Uni<Void> removeRunner(RunnerScope scope, String runnerName);

    /** Every runner registered in the scope (all pages of GitHub's listing). */
    Uni<List<RunnerInfo>> listRunners(RunnerScope scope);

    /**
     * A workflow job of a repository ({@code owner/name}: jobs belong to repositories, also for an
     * organisation's runners); empty when GitHub does not know it.
     */
    Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId);

    /** A workflow run of a repository ({@code owner/name}); empty when GitHub does not know it. */
    Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId);

    /**
     * Asks GitHub to run this job again, with the jobs that depend on it: a new attempt of its run,
     * whose re-run jobs get new ids and are queued again. Fails with {@link RerunRefusedException}
     * when GitHub will not (the run is still in progress, the job is not of the latest attempt, or
     * the run is too old). Sent at most once: when no clear answer arrives (a server error, no answer
     * in time) it fails without asking again, since GitHub may have acted; {@link #getRun}'s
     * {@code runAttempt} tells whether it did.
     */
    Uni<Void> rerunJob(String repositoryFullName, long jobId);

    /**
     * Asks GitHub to run every failed job of the run again (with the jobs that depend on them), in
     * one new attempt. Fails with {@link RerunRefusedException} when GitHub will not; sent at most
     * once, as {@link #rerunJob}.
     */
    Uni<Void> rerunFailedJobs(String repositoryFullName, long runId);

    /**
     * The deliveries of a webhook from {@code since} on, newest first (GitHub keeps about three
     * days of them). Pages back until it reaches {@code since}, but at most a bounded number of
     * pages; a listing cut short by that bound is logged.
     */
    Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since);

    /**
     * Asks GitHub to send a delivery again: a new attempt with the same {@code X-GitHub-Delivery}
     * GUID, sent shortly after GitHub accepted the request.
     */
    Uni<Void> redeliver(WebhookRef hook, long deliveryId);
}
