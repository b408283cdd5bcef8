package io.vmssrunnerscaler.fakes.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the fake GitHub knows: runners per scope ({@code repos/o/r} or {@code orgs/o}), runner
 * groups per organisation, and workflow jobs per repository; answers in GitHub's JSON shapes.
 */
final class FakeRunners {
    /** A runner; mutable by the fake and by tests through {@link FakeGitHub}. */
    static final class Runner {
        final long id;
        final String name;
        final List<String> labels;
        final long groupId;
        boolean online;
        boolean busy;

        Runner(long id, String name, List<String> labels, long groupId) {
            this.id = id;
            this.name = name;
            this.labels = List.copyOf(labels);
            this.groupId = groupId;
        }

        Map<String, Object> json() {
            List<Map<String, Object>> labelJson = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                labelJson.add(Map.of("id", i + 1, "name", labels.get(i), "type", "custom"));
            }
            return Map.of("id", id, "name", name, "os", "linux", "status", online ? "online" : "offline",
                    "busy", busy, "ephemeral", true, "runner_group_id", groupId, "labels", labelJson);
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Map<String, Runner>> runners = new HashMap<>();
    private final Map<String, Map<String, Long>> groups = new HashMap<>();
    private final Map<String, Map<String, Object>> jobs = new HashMap<>();
    private final List<String> issued = new ArrayList<>();
    private long nextRunnerId = 1;
    private Duration registrationTokenLifetime = Duration.ofHours(1);
    private JsonNode lastJitRequest;

    /** {@code repos/o/r} for {@code o/r}, {@code orgs/o} for {@code o}; lower case, as GitHub ignores case. */
    static String scopeKey(String scope) {
        String s = scope.toLowerCase(Locale.ROOT);
        return s.contains("/") ? "repos/" + s : "orgs/" + s;
    }

    synchronized Runner add(String scopeKey, String name, List<String> labels, long groupId) {
        Runner runner = new Runner(nextRunnerId++, name, labels, groupId);
        runners.computeIfAbsent(scopeKey, k -> new LinkedHashMap<>()).put(name.toLowerCase(Locale.ROOT), runner);
        return runner;
    }

    /** Changes a runner's state under this lock, which the listings read under too. */
    synchronized void update(String scopeKey, String name, boolean online, boolean busy) {
        Runner runner = find(scopeKey, name).orElseThrow(() -> new IllegalArgumentException("no runner " + name));
        runner.online = online;
        runner.busy = busy;
    }

    synchronized void remove(String scopeKey, String name) {
        runners.getOrDefault(scopeKey, new LinkedHashMap<>()).remove(name.toLowerCase(Locale.ROOT));
    }

    synchronized Optional<Runner> find(String scopeKey, String name) {
        return Optional.ofNullable(runners.getOrDefault(scopeKey, Map.of()).get(name.toLowerCase(Locale.ROOT)));
    }

    synchronized List<Runner> all(String scopeKey) {
        return List.copyOf(runners.getOrDefault(scopeKey, Map.of()).values());
    }

    synchronized void group(String org, String name, long id) {
        groups.computeIfAbsent(org.toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>()).put(name, id);
    }

    /**
     * A workflow job in GitHub's shape, alone: its run ({@code id / 10}) is not modelled, so it
     * cannot be re-run ({@link FakeRuns} models runs).
     */
    synchronized void job(String repository, long id, String status, String conclusion, String runnerName) {
        String repo = repository.toLowerCase(Locale.ROOT);
        jobs.put(repo + "#" + id, FakeRunJson.job(repo, id, id / 10, 1, "build", List.of("self-hosted"), status, conclusion,
                runnerName, Instant.parse("2026-12-05T10:00:00Z"), Instant.parse("2026-12-05T10:00:05Z"),
                "completed".equals(status) ? Instant.parse("2026-12-05T10:03:00Z") : null));
    }

    synchronized void registrationTokenLifetime(Duration lifetime) {
        registrationTokenLifetime = lifetime;
    }

    /** Every JIT configuration and registration token handed out, for leak checks. */
    synchronized List<String> issued() {
        return List.copyOf(issued);
    }

    synchronized JsonNode lastJitRequest() {
        return lastJitRequest;
    }

    synchronized FakeReply jitConfig(String scopeKey, JsonNode body) {
        lastJitRequest = body;
        String name = body.path("name").asText("");
        JsonNode labels = body.path("labels");
        long groupId = body.path("runner_group_id").asLong(-1);
        if (name.isEmpty() || !labels.isArray() || labels.size() < 1 || labels.size() > 100) {
            return FakeReply.error(422, "Invalid request.");
        }
        if (!groupIds(scopeKey).contains(groupId)) {
            return FakeReply.error(404, "Not Found");
        }
        if (find(scopeKey, name).isPresent()) {
            return FakeReply.error(409, "Already exists - A runner with the name " + name + " already exists.");
        }
        List<String> labelList = new ArrayList<>();
        labels.forEach(l -> labelList.add(l.asText()));
        Runner runner = add(scopeKey, name, labelList, groupId);
        byte[] config = new byte[48];
        random.nextBytes(config);
        String encoded = Base64.getEncoder().encodeToString(config);
        issued.add(encoded);
        return FakeReply.json(201, Map.of("runner", runner.json(), "encoded_jit_config", encoded));
    }

    synchronized FakeReply registrationToken(Instant now) {
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        String token = "AAB" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        issued.add(token);
        return FakeReply.json(201, Map.of("token", token,
                "expires_at", now.plus(registrationTokenLifetime).atOffset(ZoneOffset.ofHours(-8)).toString()));
    }

    /** The listing, optionally filtered by exact name (case-insensitive, as GitHub's names are). */
    synchronized List<Object> listed(String scopeKey, String name) {
        List<Object> out = new ArrayList<>();
        for (Runner r : runners.getOrDefault(scopeKey, Map.of()).values()) {
            if (name == null || r.name.equalsIgnoreCase(name)) {
                out.add(r.json());
            }
        }
        return out;
    }

    synchronized FakeReply delete(String scopeKey, long id) {
        Map<String, Runner> scoped = runners.getOrDefault(scopeKey, Map.of());
        Optional<Runner> runner = scoped.values().stream().filter(r -> r.id == id).findFirst();
        if (runner.isEmpty()) {
            return FakeReply.error(404, "Not Found");
        }
        if (runner.get().busy) {
            return FakeReply.error(422, "Bad request - Runner \"" + runner.get().name + "\" is still running a job\"");
        }
        scoped.remove(runner.get().name.toLowerCase(Locale.ROOT));
        return FakeReply.empty(204);
    }

    /** Every organisation has "Default" (id 1), as on GitHub; plus the groups a test added. */
    synchronized List<Object> groupsOf(String org) {
        List<Object> out = new ArrayList<>();
        out.add(group(org, 1, "Default", true));
        groups.getOrDefault(org.toLowerCase(Locale.ROOT), Map.of()).forEach((name, id) -> out.add(group(org, id, name, false)));
        return out;
    }

    /** {@code runner-groups-org} in the OpenAPI description, with its required fields. */
    private static Map<String, Object> group(String org, long id, String name, boolean isDefault) {
        return Map.of("id", id, "name", name, "visibility", "all", "default", isDefault,
                "runners_url", "https://api.github.com/orgs/" + org + "/actions/runner-groups/" + id + "/runners",
                "inherited", false, "allows_public_repositories", false);
    }

    synchronized FakeReply job(String repository, long id) {
        Map<String, Object> job = jobs.get(repository.toLowerCase(Locale.ROOT) + "#" + id);
        return job == null ? FakeReply.error(404, "Not Found") : FakeReply.json(200, job);
    }

    private List<Long> groupIds(String scopeKey) {
        if (scopeKey.startsWith("repos/")) {
            return List.of(1L); // a repository has only the default group
        }
        List<Long> ids = new ArrayList<>(List.of(1L));
        ids.addAll(groups.getOrDefault(scopeKey.substring("orgs/".length()), Map.of()).values());
        return ids;
    }
}
