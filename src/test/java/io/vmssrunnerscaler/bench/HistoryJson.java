package io.vmssrunnerscaler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GitHub's job listings: pages, arrays of pages, pages one after another, or arrays of jobs. */
final class HistoryJson {
    private static final Pattern REPOSITORY = Pattern.compile("/repos/([^/]+/[^/]+)/actions/");
    private final JobHistory.Collector out;
    private final String source;

    HistoryJson(String source) {
        this.source = source;
        this.out = new JobHistory.Collector(source);
    }

    JobHistory read(String text) {
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new JobHistory.BadHistory(source + line + ": not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new JobHistory.BadHistory(source + ": not JSON: " + firstLine(e.getMessage()));
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
                throw new JobHistory.BadHistory(source + ":" + at + ".jobs: not an array");
            }
            for (int j = 0; j < jobs.size(); j++) {
                readJob(jobs.get(j), (at.isEmpty() ? "" : at + ".") + "jobs[" + j + "]");
            }
        } else if (node.isObject() && node.has("id")) {
            readJob(node, at);
        } else {
            throw new JobHistory.BadHistory(source + ":" + (at.isEmpty() ? "" : at + ":")
                    + " neither a page of jobs ({\"jobs\": [...]}) nor a job");
        }
    }

    private void readJob(JsonNode job, String at) {
        if (!job.isObject()) {
            throw new JobHistory.BadHistory(source + ":" + at + ": not a job object");
        }
        if (!job.path("id").canConvertToLong()) {
            throw new JobHistory.BadHistory(source + ":" + at + ": id is missing");
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
            throw new JobHistory.BadHistory(source + where + ": completed_at is missing from a completed job");
        }
        String createdText = text(job, "created_at");
        Instant queued = createdText == null ? null : out.time(where, "created_at", createdText);
        Instant started = out.time(where, "started_at", startedText);
        Instant completed = out.time(where, "completed_at", completedText);
        List<String> raw = new ArrayList<>();
        job.path("labels").forEach(l -> raw.add(l.asText()));
        out.add(out.job(where, id, queued, started, completed, JobHistory.labels(raw), repository(job), text(job, "name")));
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
