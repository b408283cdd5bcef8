package io.vmssrunnerscaler.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's history, in both formats: CSV as export-history.sh prints it (RFC 4180 quoting, any
 * column order), GitHub's job listings as JSON (the example of GitHub's OpenAPI description, pages
 * in an array or one after another), the jobs left out and why, and each bad input named with its
 * file, line (or JSON job and id) and reason.
 */
class JobHistoryTest {
    private static final String HEADER = "id,queued_at,started_at,completed_at,labels,repository,name\n";

    private static JobHistory csv(String content) {
        return JobHistory.parse("jobs.csv", content);
    }

    private static String failure(String source, String content) {
        return assertThrows(JobHistory.BadHistory.class, () -> JobHistory.parse(source, content)).getMessage();
    }

    @Test
    void readsTheExportScriptsCsvWithJqQuoting() {
        JobHistory h = csv(HEADER
                + "31000000002,\"2026-11-02T09:14:07Z\",\"2026-11-02T09:14:10Z\",\"2026-11-02T09:20:10Z\","
                + "\"self-hosted;linux;x64\",\"octo-org/app\",\"build\"\n"
                + "31000000001,\"2026-11-02T09:00:00Z\",\"2026-11-02T09:00:04Z\",\"2026-11-02T09:30:04Z\","
                + "\"self-hosted;linux;x64;large\",\"octo-org/app\",\"e2e (chrome, firefox)\"\n");
        assertThat("by queued time", h.jobs().stream().map(JobHistory.Job::id).toList(),
                contains(31000000001L, 31000000002L));
        JobHistory.Job large = h.jobs().get(0);
        assertThat(large.queuedAt(), equalTo(Instant.parse("2026-11-02T09:00:00Z")));
        assertThat(large.startedAt(), equalTo(Instant.parse("2026-11-02T09:00:04Z")));
        assertThat(large.completedAt(), equalTo(Instant.parse("2026-11-02T09:30:04Z")));
        assertThat(large.labels(), equalTo(Set.of("self-hosted", "linux", "x64", "large")));
        assertThat(large.repository(), equalTo("octo-org/app"));
        assertThat("a comma inside quotes", large.name(), equalTo("e2e (chrome, firefox)"));
        assertThat(large.duration(), equalTo(Duration.ofMinutes(30)));
        assertThat(large.recordedWait(), equalTo(Duration.ofSeconds(4)));
        assertThat(h.skipped(), equalTo(Map.of()));
        assertThat(h.queuedFromStarted(), is(0));
    }

    @Test
    void findsColumnsByNameInAnyOrderWithRfc4180Quoting() {
        // Reordered and extra columns, CRLF line ends, doubled quotes, a quoted line break, an offset,
        // mixed-case labels with blanks, no repository, no id column (the line stands in for it).
        JobHistory h = csv("Labels,name,conclusion,completed_at,queued_at,started_at,repository\r\n"
                + "\"Self-Hosted; Linux ;X64;\",\"say \"\"hi\"\", then\nbye\",success,2026-11-02T10:10:00+01:00,"
                + "2026-11-02T09:00:00Z,2026-11-02T09:00:05Z,\r\n"
                + "linux,plain,success,2026-11-02T09:30:00Z,2026-11-02T09:20:00.250Z,2026-11-02T09:20:01Z,octo-org/api\r\n");
        assertThat(h.jobs().size(), is(2));
        JobHistory.Job first = h.jobs().get(0);
        assertThat(first.id(), is(2L));
        assertThat(first.name(), equalTo("say \"hi\", then\nbye"));
        assertThat(first.labels(), equalTo(Set.of("self-hosted", "linux", "x64")));
        assertThat("+01:00 is an hour before Z", first.completedAt(), equalTo(Instant.parse("2026-11-02T09:10:00Z")));
        assertThat(first.repository(), nullValue());
        JobHistory.Job second = h.jobs().get(1);
        assertThat("the line after a quoted line break", second.id(), is(4L));
        assertThat(second.queuedAt(), equalTo(Instant.parse("2026-11-02T09:20:00.250Z")));
        assertThat(second.repository(), equalTo("octo-org/api"));
    }

    /**
     * The example of operation {@code actions/list-jobs-for-workflow-run} ("List jobs for a workflow
     * run"), {@code components/examples/job-paginated}, in GitHub's OpenAPI description as npm's
     * {@code @octokit/openapi} 23.0.2 ships it ({@code generated/api.github.com.json}), copied
     * unchanged to {@code src/test/resources/replay/list-jobs-for-workflow-run.json}. Its job has no
     * {@code created_at}, although the schema requires it: queued is then taken as started, and counted.
     */
    @Test
    void readsTheOpenApiExampleOfListJobsForAWorkflowRun() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/replay/list-jobs-for-workflow-run.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JobHistory h = JobHistory.parse("example.json", json);
        assertThat(h.jobs().size(), is(1));
        JobHistory.Job job = h.jobs().get(0);
        assertThat(job.id(), is(399444496L));
        assertThat(job.startedAt(), equalTo(Instant.parse("2020-01-20T17:42:40Z")));
        assertThat(job.completedAt(), equalTo(Instant.parse("2020-01-20T17:44:39Z")));
        assertThat(job.queuedAt(), equalTo(job.startedAt()));
        assertThat(h.queuedFromStarted(), is(1));
        assertThat(job.labels(), equalTo(Set.of("self-hosted", "foo", "bar")));
        assertThat("from run_url", job.repository(), equalTo("octo-org/octo-repo"));
        assertThat(job.name(), equalTo("build"));
    }

    private static String job(long id, String status, String conclusion, String created, String started, String completed,
            String labels) {
        return "{\"id\": " + id + ", \"run_id\": 9, \"run_url\": \"https://api.github.com/repos/octo-org/app/actions/runs/9\","
                + " \"status\": \"" + status + "\", \"conclusion\": " + conclusion + ", \"created_at\": " + created
                + ", \"started_at\": " + started + ", \"completed_at\": " + completed + ", \"labels\": " + labels
                + ", \"name\": \"job " + id + "\"}";
    }

    private static final String LINUX = "[\"self-hosted\", \"Linux\"]";

    /** Two runs' pages: a job in progress, one never started, one skipped, one repeated on the next page. */
    private static String page(int first) {
        return "{\"total_count\": 4, \"jobs\": ["
                + job(first, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:00:07Z\"",
                        "\"2026-11-02T09:05:00Z\"", LINUX) + ", "
                + job(first + 1, "in_progress", "null", "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:00:07Z\"", "null", LINUX)
                + ", "
                + job(first + 2, "completed", "\"skipped\"", "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:00:00Z\"",
                        "\"2026-11-02T09:00:00Z\"", LINUX) + ", "
                + job(first + 3, "completed", "\"cancelled\"", "\"2026-11-02T09:00:00Z\"", "null", "\"2026-11-02T09:01:00Z\"",
                        LINUX)
                + "]}";
    }

    @Test
    void readsAnArrayOfPagesOrPagesOneAfterAnotherAndCountsTheJobsLeftOut() {
        String second = "{\"total_count\": 2, \"jobs\": ["
                + job(1, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:00:07Z\"",
                        "\"2026-11-02T09:05:00Z\"", LINUX) + ", "
                + job(20, "completed", "\"failure\"", "\"2026-11-02T08:00:00-01:00\"", "\"2026-11-02T09:00:09Z\"",
                        "\"2026-11-02T09:02:00Z\"", "[\"self-hosted\", \"linux\", \"large\"]")
                + "]}";
        for (String json : new String[] {"[" + page(1) + ", " + second + "]", page(1) + "\n" + second + "\n"}) {
            JobHistory h = JobHistory.parse("runs.json", json);
            assertThat(h.jobs().stream().map(JobHistory.Job::id).toList(), contains(1L, 20L));
            assertThat(h.skipped(), equalTo(Map.of("not completed", 1, "skipped", 1, "never started", 1, "repeated id", 1)));
            assertThat(h.totalSkipped(), is(4));
            JobHistory.Job failed = h.jobs().get(1);
            assertThat("a failed job ran: it counts", failed.labels(), containsInAnyOrder("self-hosted", "linux", "large"));
            assertThat(failed.queuedAt(), equalTo(Instant.parse("2026-11-02T09:00:00Z")));
            assertThat(failed.repository(), equalTo("octo-org/app"));
        }
        assertThat("an array of jobs", JobHistory.parse("jobs.json", "[" + job(5, "completed", "\"success\"",
                "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:00:01Z\"", "\"2026-11-02T09:00:02Z\"", LINUX) + "]")
                .jobs().get(0).id(), is(5L));
    }

    @Test
    void readsAFileAndNamesItAsGiven(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jobs.csv");
        Files.writeString(file, "\uFEFF" + HEADER + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,"
                + "self-hosted;linux,,\n");
        JobHistory h = JobHistory.read(file);
        assertThat(h.source(), equalTo(file.toString()));
        assertThat("a byte-order mark is not part of the first column's name", h.jobs().size(), is(1));
        assertThat(h.jobs().get(0).name(), equalTo(""));
        Path missing = dir.resolve("nope.csv");
        assertThat(assertThrows(JobHistory.BadHistory.class, () -> JobHistory.read(missing)).getMessage(),
                org.hamcrest.Matchers.startsWith(missing + ": cannot read: "));
    }

    /** Ten good lines after the header, so that the eleventh job is on line 12. */
    private static String tenGoodLines() {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 10; i++) {
            sb.append(i + 1).append(",\"2026-11-02T08:0").append(i).append(":00Z\",\"2026-11-02T08:0").append(i)
                    .append(":05Z\",\"2026-11-02T08:30:00Z\",\"self-hosted;linux\",\"octo-org/app\",\"build\"\n");
        }
        return sb.toString();
    }

    @Test
    void completedBeforeStartedNamesTheLineAndBothTimes() {
        assertThat(failure("jobs.csv", tenGoodLines()
                + "11,2026-11-02T08:59:00Z,2026-11-02T09:05:00Z,2026-11-02T09:00:00Z,self-hosted;linux,octo-org/app,x\n"),
                equalTo("jobs.csv:12: completed_at 2026-11-02T09:00:00Z is before started_at 2026-11-02T09:05:00Z"));
    }

    @Test
    void startedBeforeQueuedNamesTheLineAndBothTimes() {
        assertThat(failure("jobs.csv", HEADER
                + "1,2026-11-02T10:00:00+01:00,2026-11-02T08:59:59Z,2026-11-02T09:10:00Z,self-hosted,a/b,x\n"),
                equalTo("jobs.csv:2: started_at 2026-11-02T08:59:59Z is before queued_at 2026-11-02T09:00:00Z"));
    }

    @Test
    void aMissingRequiredColumnIsNamedOnLineOne() {
        assertThat(failure("jobs.csv", "id,queued_at,started_at,completed_at,repository\n1,a,b,c,d\n"),
                equalTo("jobs.csv:1: missing required column labels (the header names id,queued_at,started_at,"
                        + "completed_at,repository)"));
        assertThat(failure("jobs.csv", "id,started_at,labels\n"),
                equalTo("jobs.csv:1: missing required columns queued_at, completed_at (the header names "
                        + "id,started_at,labels)"));
        assertThat(failure("jobs.csv", "queued_at,started_at,completed_at,labels,Labels\n"),
                equalTo("jobs.csv:1: column labels appears twice"));
    }

    @Test
    void aLineWithTheWrongNumberOfFieldsIsNamed() {
        assertThat(failure("jobs.csv", HEADER
                + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,self-hosted,a/b,x\n"
                + "2,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,self-hosted,a/b,name, with a comma\n"),
                equalTo("jobs.csv:3: 8 fields, the header has 7"));
    }

    @Test
    void anUnparseableTimeIsNamedWithItsColumnAndValue() {
        assertThat(failure("jobs.csv", HEADER
                + "1,2026-11-02T09:00:00Z,\"2026-11-02 09:00:01\",2026-11-02T09:01:00Z,self-hosted,a/b,x\n"),
                equalTo("jobs.csv:2: started_at is not an ISO-8601 time: \"2026-11-02 09:00:01\""));
        assertThat(failure("jobs.csv", HEADER + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,,self-hosted,a/b,x\n"),
                equalTo("jobs.csv:2: completed_at is not an ISO-8601 time: \"\""));
        assertThat(failure("jobs.csv", HEADER
                + "x1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,self-hosted,a/b,x\n"),
                equalTo("jobs.csv:2: id is not a number: \"x1\""));
    }

    @Test
    void anEmptyQueuedTimeIsTakenAsStartedAndCounted() {
        JobHistory h = csv(HEADER + "1,,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,self-hosted,a/b,x\n");
        assertThat(h.jobs().get(0).queuedAt(), equalTo(Instant.parse("2026-11-02T09:00:01Z")));
        assertThat(h.queuedFromStarted(), is(1));
    }

    @Test
    void emptyLabelsAreNamed() {
        assertThat(failure("jobs.csv", HEADER + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,\" ; \",a/b,x\n"),
                equalTo("jobs.csv:2: labels are empty"));
        assertThat(failure("runs.json", "{\"jobs\": [" + job(7, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"",
                "\"2026-11-02T09:00:01Z\"", "\"2026-11-02T09:01:00Z\"", "[]") + "]}"),
                equalTo("runs.json:jobs[0] (id 7): labels are empty"));
    }

    @Test
    void anEmptyHistoryIsNamed() {
        assertThat(failure("jobs.csv", ""), equalTo("jobs.csv:1: empty history: no header line"));
        assertThat(failure("jobs.csv", HEADER), equalTo("jobs.csv:2: empty history: no jobs"));
        assertThat(failure("jobs.csv", HEADER + "\n\n"), equalTo("jobs.csv:2: empty history: no jobs"));
        assertThat(failure("runs.json", "{\"total_count\": 0, \"jobs\": []}"), equalTo("runs.json: empty history: no jobs"));
        assertThat(failure("runs.json", "{\"jobs\": [" + job(3, "queued", "null", "\"2026-11-02T09:00:00Z\"", "null", "null",
                LINUX) + "]}"), equalTo("runs.json: empty history: no jobs that ran (1 skipped: {not completed=1})"));
    }

    @Test
    void aJsonJobIsNamedByItsPlaceAndId() {
        String bad = job(8, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"", "\"2026-11-02T09:05:00Z\"",
                "\"2026-11-02T09:00:00Z\"", LINUX);
        assertThat(failure("runs.json", "{\"jobs\": [" + job(1, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"",
                "\"2026-11-02T09:00:01Z\"", "\"2026-11-02T09:01:00Z\"", LINUX) + ", " + bad + "]}"),
                equalTo("runs.json:jobs[1] (id 8): completed_at 2026-11-02T09:00:00Z is before started_at "
                        + "2026-11-02T09:05:00Z"));
        assertThat(failure("runs.json", "[" + page(1) + ", {\"jobs\": [" + job(9, "completed", "\"success\"", "\"yesterday\"",
                "\"2026-11-02T09:00:01Z\"", "\"2026-11-02T09:01:00Z\"", LINUX) + "]}]"),
                equalTo("runs.json:[1].jobs[0] (id 9): created_at is not an ISO-8601 time: \"yesterday\""));
        assertThat(failure("runs.json", "{\"jobs\": [{\"status\": \"completed\"}]}"),
                equalTo("runs.json:jobs[0]: id is missing"));
        assertThat(failure("runs.json", "{\"jobs\": [" + job(4, "completed", "\"success\"", "\"2026-11-02T09:00:00Z\"",
                "\"2026-11-02T09:00:01Z\"", "null", LINUX) + "]}"),
                equalTo("runs.json:jobs[0] (id 4): completed_at is missing from a completed job"));
    }

    @Test
    void brokenQuotingAndBrokenJsonAreNamedByLine() {
        assertThat(failure("jobs.csv", HEADER + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,"
                + "self-hosted,a/b,\"never closed\n"), equalTo("jobs.csv:2: a quoted field is not closed"));
        assertThat(failure("jobs.csv", HEADER + "1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,"
                + "self-hosted,\"a/b\"c,x\n"), equalTo("jobs.csv:2: text after the closing quote of field 6"));
        assertThat(failure("runs.json", "{\"jobs\": [\n{\"id\": 1,\n\"status\" \"completed\"}]}"),
                org.hamcrest.Matchers.startsWith("runs.json:3: not JSON: "));
    }

    @Test
    void theShippedSampleIsAWeekOfTwoKindsOfJobs() {
        JobHistory h = JobHistory.read(Path.of("bench/replay/sample-history.csv"));
        assertThat(h.jobs().size() >= 2000 && h.jobs().size() <= 3000, is(true));
        assertThat(h.firstQueued().isBefore(Instant.parse("2026-11-02T06:00:00Z")), is(true));
        assertThat(h.jobs().get(h.jobs().size() - 1).queuedAt().isAfter(Instant.parse("2026-11-08T00:00:00Z")), is(true));
        assertThat(h.jobs().stream().map(JobHistory.Job::labels).distinct().toList(), containsInAnyOrder(
                Set.of("self-hosted", "linux", "x64"), Set.of("self-hosted", "linux", "x64", "large")));
        assertThat(h.jobs().stream().filter(j -> j.recordedWait().toSeconds() > 60).toList(), empty());
    }
}
