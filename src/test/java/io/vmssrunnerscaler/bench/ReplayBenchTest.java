package io.vmssrunnerscaler.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's entry point: a history or settings it cannot use end it with exit code 2 and one
 * line on stderr naming the file, line and reason, nothing else; a good one prints its tables and
 * RESULT lines for every variant, pool and figure.
 */
class ReplayBenchTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReplayBench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path settings(String name, String freePercent) throws IOException {
        return Files.writeString(dir.resolve(name + ".properties"), """
                # a comment
                scaler.pools.linux.labels=linux,x64
                scaler.pools.linux.min=1
                scaler.pools.linux.max=10
                scaler.pools.linux.free-percent=%s
                scaler.pools.linux.scope=octo-org/app
                """.formatted(freePercent));
    }

    private Path history() throws IOException {
        return Files.writeString(dir.resolve("jobs.csv"), """
                id,queued_at,started_at,completed_at,labels,repository,name
                1,"2026-11-02T09:00:00Z","2026-11-02T09:00:03Z","2026-11-02T09:05:00Z","self-hosted;linux;x64","octo-org/app","build"
                2,"2026-11-02T09:01:00Z","2026-11-02T09:01:04Z","2026-11-02T09:04:00Z","self-hosted;linux;x64","octo-org/app","lint"
                3,"2026-11-02T09:02:00Z","2026-11-02T09:02:05Z","2026-11-02T09:03:00Z","self-hosted;windows","octo-org/app","win"
                """);
    }

    @Test
    void aBadHistoryEndsWithExitCode2AndOneLineNamingFileLineAndReason() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), """
                id,queued_at,started_at,completed_at,labels
                1,2026-11-02T09:00:00Z,2026-11-02T09:00:01Z,2026-11-02T09:01:00Z,self-hosted
                2,2026-11-02T08:59:00Z,2026-11-02T09:05:00Z,2026-11-02T09:00:00Z,self-hosted
                """);
        Outcome o = run("history=" + bad, "settings=" + settings("today", "25"));
        assertThat(o.code(), is(2));
        assertThat(o.err(), equalTo(bad + ":3: completed_at 2026-11-02T09:00:00Z is before started_at "
                + "2026-11-02T09:05:00Z" + System.lineSeparator()));
        assertThat(o.out(), equalTo(""));
    }

    @Test
    void badSettingsOrArgumentsEndWithExitCode2AndNoStackTrace() throws IOException {
        Path history = history();
        Outcome missing = run("history=" + history, "settings=" + dir.resolve("nope.properties"));
        assertThat(missing.code(), is(2));
        assertThat(missing.err(), startsWith(dir.resolve("nope.properties") + ": cannot read: "));

        Outcome invalid = run("history=" + history, "settings=" + settings("today", "25"), "scaler.pools.linux.min=20");
        assertThat(invalid.code(), is(2));
        assertThat(invalid.err(), startsWith("variant today: "));
        assertThat(invalid.err(), containsString("scaler.pools.linux.min"));
        assertThat(invalid.err(), not(containsString("\tat ")));

        Outcome typo = run("history=" + history, "settings=" + settings("today", "25"), "scaler.pools.linux.mni=1");
        assertThat(typo.code(), is(2));
        assertThat("one line", typo.err().lines().count(), is(1L));
        assertThat(typo.err(), startsWith("variant today: "));
        assertThat(typo.err(), containsString("scaler.pools.linux.mni"));

        Path foreign = Files.writeString(dir.resolve("foreign.properties"), "quarkus.http.port=1\n");
        Outcome notScaler = run("history=" + history, "settings=" + foreign);
        assertThat(notScaler.code(), is(2));
        assertThat(notScaler.err(), equalTo(foreign + ": quarkus.http.port is not a scaler.* setting"
                + System.lineSeparator()));

        Outcome unknown = run("history=" + history, "setting=" + foreign);
        assertThat(unknown.code(), is(2));
        assertThat(unknown.err(), startsWith("replay: unknown argument setting="));
        assertThat(unknown.err(), containsString(ReplayBench.USAGE));
    }

    @Test
    void aGoodRunPrintsEveryVariantPoolAndFigure() throws IOException {
        Outcome o = run("history=" + history(), "settings=" + settings("today", "25") + "," + settings("roomy", "100"),
                "price=0.5", "scaler.pools.linux.max=5");
        assertThat(o.err(), equalTo(""));
        assertThat(o.code(), is(0));
        List<String> lines = o.outLines();
        assertThat(lines, hasItem(startsWith("variant today: pools linux [linux]; simulated 2026-11-02T08:50:00Z .. ")));
        assertThat(lines, hasItem(startsWith("variant roomy: ")));
        for (String variant : List.of("today", "roomy")) {
            for (String metric : List.of("jobs", "wait_p50_s", "wait_p95_s", "wait_max_s", "instance_minutes",
                    "instance_minutes_per_job", "cost")) {
                assertThat(lines, hasItem(startsWith("RESULT bench=replay variant=" + variant + " pool=linux metric="
                        + metric + " value=")));
            }
            assertThat(lines, hasItem("RESULT bench=replay variant=" + variant + " pool=linux metric=jobs value=2.000"));
            assertThat(lines, hasItem("RESULT bench=replay variant=" + variant + " pool=none metric=unserved value=1.000"));
        }
        assertThat("the history's own waits of the pool's jobs", lines,
                hasItem("RESULT bench=replay variant=recorded pool=linux metric=wait_max_s value=4.000"));
        assertThat(lines, hasItem(containsString("self-hosted,windows in octo-org/app")));
        // cost is instance-minutes / 60 x price, as printed
        double minutes = value(lines, "variant=today pool=linux metric=instance_minutes");
        assertThat(value(lines, "variant=today pool=linux metric=cost"),
                org.hamcrest.Matchers.closeTo(minutes / 60 * 0.5, 0.001));
        assertThat(lines.get(lines.size() - 1), startsWith("RESULT bench=replay "));
    }

    private static double value(List<String> lines, String keys) {
        String prefix = "RESULT bench=replay " + keys + " value=";
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow();
    }
}
