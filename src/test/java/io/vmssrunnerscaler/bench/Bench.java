package io.vmssrunnerscaler.bench;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Helpers shared by the benchmark mains. */
final class Bench {
    private Bench() {}

    /** The shell logs each failed or throttled call; thousands of them would drown the figures. */
    static void quietLogs() {
        Logger.getLogger("").setLevel(Level.SEVERE);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.SEVERE);
        }
    }

    /** A side-by-side table for people, one column per policy; the RESULT lines at the end are for scripts. */
    static void table(String title, Map<String, Map<String, Double>> columns) {
        StringBuilder header = new StringBuilder(String.format("  %-30s", title));
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        columns.forEach((name, figures) -> {
            header.append(String.format(" %14s", name));
            keys.addAll(figures.keySet());
        });
        System.out.println(header);
        for (String k : keys) {
            StringBuilder row = new StringBuilder(String.format("  %-30s", k));
            columns.values().forEach(f -> row.append(String.format(" %14s", f.containsKey(k) ? Report.format(f.get(k)) : "-")));
            System.out.println(row);
        }
    }
}
