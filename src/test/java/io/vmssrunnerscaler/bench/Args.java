package io.vmssrunnerscaler.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code key=value} arguments; durations as 90s, 5m, 2h or ISO-8601. */
record Args(Map<String, String> values) {

    static Args parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            values.put(arg.substring(0, eq).replaceFirst("^--", ""), arg.substring(eq + 1));
        }
        return new Args(values);
    }

    String text(String key, String otherwise) {
        return values.getOrDefault(key, otherwise);
    }

    long number(String key, long otherwise) {
        return values.containsKey(key) ? Long.parseLong(values.get(key)) : otherwise;
    }

    Duration duration(String key, Duration otherwise) {
        return values.containsKey(key) ? duration(values.get(key)) : otherwise;
    }

    static Duration duration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration like 90s, 5m or 2h: " + text);
        };
    }
}
