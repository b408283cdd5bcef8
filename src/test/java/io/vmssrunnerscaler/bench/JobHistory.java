package io.vmssrunnerscaler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return start.startsWith("{") || start.startsWith("[") ? new JsonReader(source).read(text)
                : new CsvReader(source).read(text);
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
    private static final class Collector {
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

    /** CSV as RFC 4180 has it (quoted fields may hold commas, doubled quotes and line breaks). */
    private static final class CsvReader {
        private final Collector out;
        private final String source;

        CsvReader(String source) {
            this.source = source;
            this.out = new Collector(source);
        }

        /** A record and the line it starts on. */
        private record Row(int line, List<String> fields) {}

        JobHistory read(String text) {
            List<Row> rows = rows(text);
            if (rows.isEmpty()) {
                throw new BadHistory(source + ":1: empty history: no header line");
            }
            Row header = rows.get(0);
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.fields().size(); i++) {
                String name = header.fields().get(i).trim().toLowerCase(Locale.ROOT);
                if (columns.putIfAbsent(name, i) != null && !name.isEmpty()) {
                    throw new BadHistory(source + ":" + header.line() + ": column " + name + " appears twice");
                }
            }
            List<String> missing = REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw new BadHistory(source + ":" + header.line() + ": missing required column"
                        + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (the header names "
                        + String.join(",", header.fields()) + ")");
            }
            int width = header.fields().size();
            for (Row row : rows.subList(1, rows.size())) {
                String where = ":" + row.line();
                if (row.fields().size() != width) {
                    throw new BadHistory(source + where + ": " + row.fields().size() + " fields, the header has " + width);
                }
                out.add(job(where, row, columns));
            }
            return out.done(":" + (rows.get(rows.size() - 1).line() + 1));
        }

        private Job job(String where, Row row, Map<String, Integer> columns) {
            String idText = field(row, columns, "id");
            long id;
            if (idText == null || idText.isBlank()) {
                id = row.line();
            } else {
                try {
                    id = Long.parseLong(idText.trim());
                } catch (NumberFormatException e) {
                    throw new BadHistory(source + where + ": id is not a number: \"" + idText + "\"");
                }
            }
            String queuedText = field(row, columns, "queued_at");
            Instant queued = queuedText.isBlank() ? null : out.time(where, "queued_at", queuedText);
            Instant started = out.time(where, "started_at", field(row, columns, "started_at"));
            Instant completed = out.time(where, "completed_at", field(row, columns, "completed_at"));
            String repository = field(row, columns, "repository");
            String name = field(row, columns, "name");
            return out.job(where, id, queued, started, completed, labels(List.of(field(row, columns, "labels").split(";"))),
                    repository == null || repository.isBlank() ? null : repository.trim(), name);
        }

        private static String field(Row row, Map<String, Integer> columns, String column) {
            Integer i = columns.get(column);
            return i == null ? null : row.fields().get(i);
        }

        /** Records, each with the line it starts on; blank lines are left out. */
        private List<Row> rows(String text) {
            List<Row> rows = new ArrayList<>();
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int line = 1;
            int rowLine = 1;
            int i = 0;
            int n = text.length();
            boolean quotedField = false; // the current field was quoted (and its closing quote read)
            boolean blank = true; // nothing read on this record yet
            while (i < n) {
                char c = text.charAt(i);
                if (c == '"' && field.isEmpty() && !quotedField) {
                    int quoteLine = line;
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw new BadHistory(source + ":" + quoteLine + ": a quoted field is not closed");
                        }
                        char q = text.charAt(i);
                        if (q == '"') {
                            if (i + 1 < n && text.charAt(i + 1) == '"') {
                                field.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        if (q == '\n') {
                            line++;
                        }
                        field.append(q);
                        i++;
                    }
                    quotedField = true;
                    blank = false;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    quotedField = false;
                    blank = false;
                    i++;
                } else if (c == '\n' || c == '\r') {
                    if (!blank) {
                        fields.add(field.toString());
                        rows.add(new Row(rowLine, List.copyOf(fields)));
                    }
                    fields.clear();
                    field.setLength(0);
                    quotedField = false;
                    blank = true;
                    i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
                    line++;
                    rowLine = line;
                } else if (quotedField || c == '"') {
                    throw new BadHistory(source + ":" + line + ": " + (quotedField ? "text after the closing quote of field "
                            : "a quote inside the unquoted field ") + (fields.size() + 1));
                } else {
                    field.append(c);
                    blank = false;
                    i++;
                }
            }
            if (!blank) {
                fields.add(field.toString());
                rows.add(new Row(rowLine, List.copyOf(fields)));
            }
            return rows;
        }
    }

    /** GitHub's job listings: pages, arrays of pages, pages one after another, or arrays of jobs. */
    private static final class JsonReader {
        private static final Pattern REPOSITORY = Pattern.compile("/repos/([^/]+/[^/]+)/actions/");
        private final Collector out;
        private final String source;

        JsonReader(String source) {
            this.source = source;
            this.out = new Collector(source);
        }

        JobHistory read(String text) {
            List<JsonNode> values = new ArrayList<>();
            try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNextValue()) {
                    values.add(it.nextValue());
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                String line = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
                throw new BadHistory(source + line + ": not JSON: " + firstLine(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new BadHistory(source + ": not JSON: " + firstLine(e.getMessage()));
            }
            boolean several = values.size() > 1;
            for (int v = 0; v < values.size(); v++) {
                String at = several ? "[" + v + "]" : "";
                JsonNode value = values.get(v);
                if (value.isArray()) {
                    for (int p = 0; p < value.size(); p++) {
                        String pageAt = several ? at + "[" + p + "]" : "[" + p + "]";
                        readPageOrJob(value.get(p), pageAt);
                    }
                } else {
                    readPageOrJob(value, at);
                }
            }
            return out.done("");
        }

        private void readPageOrJob(JsonNode node, String at) {
            if (node.isObject() && node.has("jobs")) {
                JsonNode jobs = node.get("jobs");
                if (!jobs.isArray()) {
                    throw new BadHistory(source + ":" + at + ".jobs: not an array");
                }
                for (int j = 0; j < jobs.size(); j++) {
                    readJob(jobs.get(j), (at.isEmpty() ? "" : at + ".") + "jobs[" + j + "]");
                }
            } else if (node.isObject() && node.has("id")) {
                readJob(node, at);
            } else {
                throw new BadHistory(source + ":" + (at.isEmpty() ? "" : at + ":")
                        + " neither a page of jobs ({\"jobs\": [...]}) nor a job");
            }
        }

        private void readJob(JsonNode job, String at) {
            if (!job.isObject()) {
                throw new BadHistory(source + ":" + at + ": not a job object");
            }
            if (!job.path("id").canConvertToLong()) {
                throw new BadHistory(source + ":" + at + ": id is missing");
            }
            long id = job.get("id").asLong();
            String where = ":" + at + " (id " + id + ")";
            String status = text(job, "status");
            if (!"completed".equals(status)) {
                out.skip("not completed");
                return;
            }
            if ("skipped".equals(text(job, "conclusion"))) {
                out.skip("skipped");
                return;
            }
            String startedText = text(job, "started_at");
            if (startedText == null) {
                out.skip("never started");
                return;
            }
            String completedText = text(job, "completed_at");
            if (completedText == null) {
                throw new BadHistory(source + where + ": completed_at is missing from a completed job");
            }
            String createdText = text(job, "created_at");
            Instant queued = createdText == null ? null : out.time(where, "created_at", createdText);
            Instant started = out.time(where, "started_at", startedText);
            Instant completed = out.time(where, "completed_at", completedText);
            List<String> raw = new ArrayList<>();
            job.path("labels").forEach(l -> raw.add(l.asText()));
            out.add(out.job(where, id, queued, started, completed, labels(raw), repository(job), text(job, "name")));
        }

        private static String repository(JsonNode job) {
            for (String field : List.of("run_url", "url")) {
                String url = text(job, field);
                if (url != null) {
                    Matcher m = REPOSITORY.matcher(url);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            }
            return null;
        }

        private static String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "";
            }
            int nl = message.indexOf('\n');
            return nl < 0 ? message : message.substring(0, nl);
        }
    }
}
