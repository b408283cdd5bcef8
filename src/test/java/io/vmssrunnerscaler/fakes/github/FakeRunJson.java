package io.vmssrunnerscaler.fakes.github;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Workflow jobs and runs in GitHub's JSON shapes ({@code job} and {@code workflow-run} in the
 * OpenAPI description), with every field the description requires; values the scaler does not
 * read are plausible constants.
 */
public final class FakeRunJson {
    private static final String API = "https://api.github.com";
    private static final String SHA = "f83a356604ae3c5d03e1b46ef4d1ca77d64a90b0";

    private FakeRunJson() {}

    public static Map<String, Object> job(String repository, long id, long runId, int runAttempt, String name, List<String> labels,
            String status, String conclusion, String runnerName, Instant createdAt, Instant startedAt, Instant completedAt) {
        String api = API + "/repos/" + repository;
        Map<String, Object> job = new HashMap<>();
        job.put("id", id);
        job.put("run_id", runId);
        job.put("run_attempt", runAttempt);
        job.put("run_url", api + "/actions/runs/" + runId);
        job.put("node_id", "CR_kwDO" + id);
        job.put("head_sha", SHA);
        job.put("url", api + "/actions/jobs/" + id);
        job.put("html_url", "https://github.com/" + repository + "/actions/runs/" + runId + "/job/" + id);
        job.put("status", status);
        job.put("conclusion", conclusion);
        job.put("created_at", createdAt.toString());
        job.put("started_at", startedAt.toString());
        job.put("completed_at", completedAt == null ? null : completedAt.toString());
        job.put("name", name);
        job.put("check_run_url", api + "/check-runs/" + id);
        job.put("labels", labels);
        boolean assigned = runnerName != null;
        job.put("runner_id", assigned ? 1 : null);
        job.put("runner_name", runnerName);
        job.put("runner_group_id", assigned ? 1 : null);
        job.put("runner_group_name", assigned ? "Default" : null);
        job.put("workflow_name", "CI");
        job.put("head_branch", "main");
        return job;
    }

    public static Map<String, Object> run(String repository, long id, String status, String conclusion, int runAttempt,
            Instant createdAt, Instant attemptStartedAt, Instant updatedAt) {
        String api = API + "/repos/" + repository;
        String runs = api + "/actions/runs/" + id;
        Map<String, Object> run = new HashMap<>();
        run.put("id", id);
        run.put("name", "CI");
        run.put("node_id", "WFR_kwLO" + id);
        run.put("check_suite_id", id + 1);
        run.put("head_branch", "main");
        run.put("head_sha", SHA);
        run.put("path", ".github/workflows/ci.yml");
        run.put("run_number", 562);
        run.put("run_attempt", runAttempt);
        run.put("event", "push");
        run.put("display_title", "Build on push");
        run.put("status", status);
        run.put("conclusion", conclusion);
        run.put("workflow_id", 159038);
        run.put("url", runs);
        run.put("html_url", "https://github.com/" + repository + "/actions/runs/" + id);
        run.put("pull_requests", List.of());
        run.put("created_at", createdAt.toString());
        run.put("updated_at", updatedAt.toString());
        run.put("run_started_at", attemptStartedAt.toString());
        run.put("jobs_url", runs + "/jobs");
        run.put("logs_url", runs + "/logs");
        run.put("check_suite_url", api + "/check-suites/" + (id + 1));
        run.put("artifacts_url", runs + "/artifacts");
        run.put("cancel_url", runs + "/cancel");
        run.put("rerun_url", runs + "/rerun");
        run.put("previous_attempt_url", runAttempt > 1 ? runs + "/attempts/" + (runAttempt - 1) : null);
        run.put("workflow_url", api + "/actions/workflows/159038");
        run.put("head_commit", Map.of("id", SHA, "tree_id", "d23f6eedb1e1b9610bbc754ddb5197bfe7271223",
                "message", "Build on push", "timestamp", createdAt.toString(),
                "author", Map.of("name", "Octo Cat", "email", "octocat@github.com"),
                "committer", Map.of("name", "GitHub", "email", "noreply@github.com")));
        Map<String, Object> repo = repository(repository);
        run.put("repository", repo);
        run.put("head_repository", repo);
        return run;
    }

    /** {@code minimal-repository}: its required fields. */
    private static Map<String, Object> repository(String fullName) {
        String owner = fullName.substring(0, fullName.indexOf('/'));
        String name = fullName.substring(fullName.indexOf('/') + 1);
        String api = API + "/repos/" + fullName;
        Map<String, Object> repo = new HashMap<>();
        repo.put("id", 1296269);
        repo.put("node_id", "MDEwOlJlcG9zaXRvcnkxMjk2MjY5");
        repo.put("name", name);
        repo.put("full_name", fullName);
        repo.put("owner", user(owner));
        repo.put("private", true);
        repo.put("html_url", "https://github.com/" + fullName);
        repo.put("description", null);
        repo.put("fork", false);
        repo.put("url", api);
        for (String plain : List.of("contributors", "deployments", "downloads", "events", "forks", "hooks", "languages",
                "merges", "stargazers", "subscribers", "subscription", "tags", "teams")) {
            repo.put(plain + "_url", api + "/" + plain);
        }
        Map<String, String> templated = Map.ofEntries(Map.entry("archive_url", "/{archive_format}{/ref}"),
                Map.entry("assignees_url", "/assignees{/user}"), Map.entry("blobs_url", "/git/blobs{/sha}"),
                Map.entry("branches_url", "/branches{/branch}"), Map.entry("collaborators_url", "/collaborators{/collaborator}"),
                Map.entry("comments_url", "/comments{/number}"), Map.entry("commits_url", "/commits{/sha}"),
                Map.entry("compare_url", "/compare/{base}...{head}"), Map.entry("contents_url", "/contents/{+path}"),
                Map.entry("git_commits_url", "/git/commits{/sha}"), Map.entry("git_refs_url", "/git/refs{/sha}"),
                Map.entry("git_tags_url", "/git/tags{/sha}"), Map.entry("issue_comment_url", "/issues/comments{/number}"),
                Map.entry("issue_events_url", "/issues/events{/number}"), Map.entry("issues_url", "/issues{/number}"),
                Map.entry("keys_url", "/keys{/key_id}"), Map.entry("labels_url", "/labels{/name}"),
                Map.entry("milestones_url", "/milestones{/number}"),
                Map.entry("notifications_url", "/notifications{?since,all,participating}"),
                Map.entry("pulls_url", "/pulls{/number}"), Map.entry("releases_url", "/releases{/id}"),
                Map.entry("statuses_url", "/statuses/{sha}"), Map.entry("trees_url", "/git/trees{/sha}"));
        templated.forEach((field, suffix) -> repo.put(field, api + suffix));
        return repo;
    }

    /** {@code simple-user}: its required fields. */
    private static Map<String, Object> user(String login) {
        String api = API + "/users/" + login;
        Map<String, Object> user = new HashMap<>();
        user.put("login", login);
        user.put("id", 9919);
        user.put("node_id", "MDEyOk9yZ2FuaXphdGlvbjk5MTk=");
        user.put("avatar_url", "https://avatars.githubusercontent.com/u/9919");
        user.put("gravatar_id", "");
        user.put("url", api);
        user.put("html_url", "https://github.com/" + login);
        user.put("type", "Organization");
        user.put("site_admin", false);
        for (String plain : List.of("followers", "organizations", "received_events", "repos", "subscriptions")) {
            user.put(plain + "_url", api + "/" + plain);
        }
        user.put("events_url", api + "/events{/privacy}");
        user.put("following_url", api + "/following{/other_user}");
        user.put("gists_url", api + "/gists{/gist_id}");
        user.put("starred_url", api + "/starred{/owner}{/repo}");
        return user;
    }
}
