package io.vmssrunnerscaler.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A team's GitHub Actions job history, for the replay benchmark: when each job was queued, started
 * and completed, and its {@code runs-on} labels. Read from either format, chosen by content (a file
 * whose first non-blank character is {@code {} or {@code [} is JSON):
 *
 * <ul>
 *   <li>CSV with a header line (what {@code bench/replay/export-history.sh} prints): required columns
 *       {@code queued_at,started_at,completed_at,labels} in any order, optional {@code id,repository,name},
 *       other columns ignored; RFC 4180 quoting; labels separated by {@code ;}; ISO-8601 times with
 *       {@code Z} or an offset.
 *   <li>JSON as GitHub's "List jobs for a workflow run" answers ({@code {"total_count": n, "jobs": [...]}}),
 *       an array of such pages, pages one after another ({@code cat *.json}), or an array of jobs.
 *       Queued is the job's {@code created_at}. A job not {@code completed}, with conclusion
 *       {@code skipped} or without {@code started_at} is skipped and counted; the repository is read
 *       from its {@code run_url}.
 * </ul>
 *
 * <p>A job with no queued time (an empty {@code queued_at}, no {@code created_at}) is taken as queued
 * when it started, and counted. A job id seen twice (pages that shifted while they were read) is kept
 * once and counted. Anything else wrong stops the load with a {@link BadHistory}: the file, the CSV
 * line or the JSON job's place and id, and the reason.
 *
 * @param source   the file as named by the user
 * @param jobs     the jobs, by queued time (then id)
 * @param skipped  jobs left out, by reason
 * @param queuedFromStarted jobs with no queued time, taken as queued when they started
 */
record JobHistory(String source, List<Job> jobs, Map<String, Integer> skipped, int queuedFromStarted) {

    /**
     * One job as it ran.
     *
     * @param labels     lower-cased
     * @param repository {@code owner/name}, or null when the history does not say
     * @param name       the job's name, or null
     */
    record Job(long id, Instant queuedAt, Instant startedAt, Instant completedAt, Set<String> labels, String repository,
            String name) {

        Duration duration() {
            return Duration.between(startedAt, completedAt);
        }

        /** What the history recorded: from queued to started. */
        Duration recordedWait() {
            return Duration.between(queuedAt, startedAt);
        }
    }

    /** Input the replay cannot use: its message is {@code <file>:<line or job>: <reason>}. */
    static final class BadHistory extends RuntimeException {
        BadHistory(String message) {
            super(message, null, false, false);
        }
    }

    static final List<String> REQUIRED = List.of("queued_at", "started_at", "completed_at", "labels");

    static JobHistory read(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadHistory(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), content);
    }

    /** Parses {@code content}, naming {@code source} in its messages. */
    static JobHistory parse(String source, String content) {
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        String start = text.stripLeading();
        return start.startsWith("{") || start.startsWith("[") ? new HistoryJson(source).read(text)
                : new HistoryCsv(source).read(text);
    }

    int totalSkipped() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    Instant firstQueued() {
        return jobs.get(0).queuedAt();
    }

    /** When the last job would end if it started as soon as it was queued. */
    Instant lastEnd() {
        return jobs.stream().map(j -> j.queuedAt().plus(j.duration())).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** Collects jobs, drops repeated ids, sorts, refuses an empty history. */
    static final class Collector {
        final String source;
        final List<Job> jobs = new ArrayList<>();
        final Set<Long> ids = new HashSet<>();
        final Map<String, Integer> skipped = new LinkedHashMap<>();
        int queuedFromStarted;

        Collector(String source) {
            this.source = source;
        }

        void skip(String reason) {
            skipped.merge(reason, 1, Integer::sum);
        }

        void add(Job job) {
            if (ids.add(job.id())) {
                jobs.add(job);
            } else {
                skip("repeated id");
            }
        }

        JobHistory done(String where) {
            if (jobs.isEmpty()) {
                int n = skipped.values().stream().mapToInt(Integer::intValue).sum();
                throw new BadHistory(source + where + ": empty history: no jobs"
                        + (n == 0 ? "" : " that ran (" + n + " skipped: " + skipped + ")"));
            }
            jobs.sort(Comparator.comparing(Job::queuedAt).thenComparingLong(Job::id));
            return new JobHistory(source, List.copyOf(jobs), Map.copyOf(skipped), queuedFromStarted);
        }

        /** Checks the order of the three times and builds the job; {@code where} is {@code :12} or {@code :jobs[3] (id 5)}. */
        Job job(String where, long id, Instant queued, Instant started, Instant completed, Set<String> labels,
                String repository, String name) {
            if (queued == null) {
                queued = started;
                queuedFromStarted++;
            }
            if (started.isBefore(queued)) {
                throw new BadHistory(source + where + ": started_at " + started + " is before queued_at " + queued);
            }
            if (completed.isBefore(started)) {
                throw new BadHistory(source + where + ": completed_at " + completed + " is before started_at " + started);
            }
            if (labels.isEmpty()) {
                throw new BadHistory(source + where + ": labels are empty");
            }
            return new Job(id, queued, started, completed, labels, repository, name);
        }

        Instant time(String where, String column, String value) {
            try {
                return OffsetDateTime.parse(value.trim()).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadHistory(source + where + ": " + column + " is not an ISO-8601 time: \"" + value + "\"");
            }
        }
    }

    static Set<String> labels(Iterable<String> raw) {
        Set<String> labels = new LinkedHashSet<>();
        for (String l : raw) {
            String t = l.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                labels.add(t);
            }
        }
        return Set.copyOf(labels);
    }
}
