package io.vmssrunnerscaler.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CSV as RFC 4180 has it (quoted fields may hold commas, doubled quotes and line breaks). */
final class HistoryCsv {
    private final JobHistory.Collector out;
    private final String source;

    HistoryCsv(String source) {
        this.source = source;
        this.out = new JobHistory.Collector(source);
    }

    /** A record and the line it starts on. */
    private record Row(int line, List<String> fields) {}

    JobHistory read(String text) {
        List<Row> rows = rows(text);
        if (rows.isEmpty()) {
            throw new JobHistory.BadHistory(source + ":1: empty history: no header line");
        }
        Row header = rows.get(0);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).trim().toLowerCase(Locale.ROOT);
            if (columns.putIfAbsent(name, i) != null && !name.isEmpty()) {
                throw new JobHistory.BadHistory(source + ":" + header.line() + ": column " + name + " appears twice");
            }
        }
        List<String> missing = JobHistory.REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new JobHistory.BadHistory(source + ":" + header.line() + ": missing required column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (the header names "
                    + String.join(",", header.fields()) + ")");
        }
        int width = header.fields().size();
        for (Row row : rows.subList(1, rows.size())) {
            String where = ":" + row.line();
            if (row.fields().size() != width) {
                throw new JobHistory.BadHistory(source + where + ": " + row.fields().size() + " fields, the header has " + width);
            }
            out.add(job(where, row, columns));
        }
        return out.done(":" + (rows.get(rows.size() - 1).line() + 1));
    }

    private JobHistory.Job job(String where, Row row, Map<String, Integer> columns) {
        String idText = field(row, columns, "id");
        long id;
        if (idText == null || idText.isBlank()) {
            id = row.line();
        } else {
            try {
                id = Long.parseLong(idText.trim());
            } catch (NumberFormatException e) {
                throw new JobHistory.BadHistory(source + where + ": id is not a number: \"" + idText + "\"");
            }
        }
        String queuedText = field(row, columns, "queued_at");
        Instant queued = queuedText.isBlank() ? null : out.time(where, "queued_at", queuedText);
        Instant started = out.time(where, "started_at", field(row, columns, "started_at"));
        Instant completed = out.time(where, "completed_at", field(row, columns, "completed_at"));
        String repository = field(row, columns, "repository");
        String name = field(row, columns, "name");
        return out.job(where, id, queued, started, completed, JobHistory.labels(List.of(field(row, columns, "labels").split(";"))),
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
                        throw new JobHistory.BadHistory(source + ":" + quoteLine + ": a quoted field is not closed");
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
                throw new JobHistory.BadHistory(source + ":" + line + ": " + (quotedField ? "text after the closing quote of field "
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
