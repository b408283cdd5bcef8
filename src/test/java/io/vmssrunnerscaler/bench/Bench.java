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

    /** A side-by-side table for people; the RESULT lines at the end are for scripts. */
    static void table(String title, Map<String, Double> scaler, Map<String, Double> baseline) {
        System.out.printf("  %-34s %14s %14s %10s%n", title, "scaler", "baseline", "ratio");
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(scaler.keySet());
        keys.addAll(baseline.keySet());
        for (String k : keys) {
            double s = scaler.getOrDefault(k, 0.0);
            double b = baseline.getOrDefault(k, 0.0);
            System.out.printf("  %-34s %14s %14s %10s%n", k, Report.format(s), Report.format(b),
                    Report.format(Report.ratio(s, b)));
        }
    }
}
