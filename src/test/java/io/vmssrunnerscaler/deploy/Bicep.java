package io.vmssrunnerscaler.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough reading of Bicep text for the consistency checks (no Bicep compiler is obtainable
 * here): parameters and their defaults, string-array variables, the parameters each module call
 * (or loop of module calls) passes, and the placeholder table of a cloud-init template.
 */
final class Bicep {
    private static final Pattern PARAM = Pattern.compile("(?m)^param\\s+(\\w+)\\s+(\\w+(?:\\[])?)(?:\\s*=\\s*(.*))?$");
    private static final Pattern MODULE = Pattern.compile("(?m)^module\\s+(\\w+)\\s+'([^']+)'\\s*=\\s*(?:if\\s*\\(.*\\)\\s*|\\[for\\s.+:\\s*)?\\{$");
    private static final Pattern TEMPLATE_VALUE = Pattern.compile("\\{\\s*key:\\s*'(__\\w+__)',\\s*value:\\s*(.+?)\\s*}");
    private static final Pattern QUOTED = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'");

    final Path file;
    final String text;

    Bicep(Path file) {
        this(file, Tools.read(file));
    }

    /** A changed copy of a file's text, for showing that a check catches a mistake. */
    Bicep(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    record Param(String name, String type, Optional<String> defaultText) {
        /** The default as a plain value: a quoted string without interpolation, a number or a boolean. */
        Optional<String> literalDefault() {
            return defaultText.map(String::trim).flatMap(d -> {
                if (d.matches("'[^'$]*'")) {
                    return Optional.of(d.substring(1, d.length() - 1));
                }
                return d.matches("-?\\d+|true|false") ? Optional.of(d) : Optional.empty();
            });
        }
    }

    Map<String, Param> params() {
        Map<String, Param> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(text);
        while (m.find()) {
            params.put(m.group(1), new Param(m.group(1), m.group(2), Optional.ofNullable(m.group(3))));
        }
        return params;
    }

    /** The quoted strings of {@code var NAME = [ ... ]} (one per line). */
    List<String> stringArray(String var) {
        return quotedIn(block("var " + var + " = [", "]"));
    }

    /** The quoted strings of {@code var NAME = concat([ ... ], ...)}, conditional parts included. */
    List<String> concatStrings(String var) {
        return quotedIn(block("var " + var + " = concat([", "])\n"));
    }

    /** Module calls: symbolic name -> (path, parameters passed). */
    Map<String, Map.Entry<String, List<String>>> modules() {
        Map<String, Map.Entry<String, List<String>>> modules = new LinkedHashMap<>();
        Matcher m = MODULE.matcher(text);
        while (m.find()) {
            int params = text.indexOf("\n  params: {\n", m.end());
            int end = text.indexOf("\n  }\n", params);
            List<String> keys = new ArrayList<>();
            Matcher key = Pattern.compile("(?m)^    (\\w+):").matcher(text.substring(params, end));
            while (key.find()) {
                keys.add(key.group(1));
            }
            modules.put(m.group(1), Map.entry(m.group(2), keys));
        }
        return modules;
    }

    /** The placeholder table {@code { key: '__X__', value: ... }} of a cloud-init template: key -> value text. */
    Map<String, String> templateValues() {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = TEMPLATE_VALUE.matcher(block("var cloudInitValues = [", "\n]"));
        while (m.find()) {
            values.put(m.group(1), m.group(2));
        }
        return values;
    }

    /** An object variable of string values, {@code var NAME = { key: 'value' ... }}. */
    Map<String, String> stringObject(String var) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\w+):\\s*'([^']*)'$").matcher(block("var " + var + " = {", "\n}"));
        while (m.find()) {
            values.put(m.group(1), m.group(2));
        }
        return values;
    }

    /** The text between {@code start} and the first {@code end} after it. */
    String block(String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            throw new AssertionError(file + " has no " + start);
        }
        int to = text.indexOf(end, from + start.length());
        if (to < 0) {
            throw new AssertionError(file + ": " + start + " is not closed");
        }
        return text.substring(from + start.length(), to);
    }

    private static List<String> quotedIn(String block) {
        List<String> strings = new ArrayList<>();
        for (String line : block.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("'")) {
                Matcher q = QUOTED.matcher(trimmed);
                if (q.find()) {
                    strings.add(q.group(1));
                }
            }
        }
        return strings;
    }
}
