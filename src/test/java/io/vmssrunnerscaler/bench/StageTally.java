package io.vmssrunnerscaler.bench;

import io.vmssrunnerscaler.shell.JobJourney;
import io.vmssrunnerscaler.shell.JobStage;
import io.vmssrunnerscaler.shell.JourneyObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where the jobs' waits went in a benchmark run: per waiting stage, the total over all jobs and the
 * p95, in whole seconds, as the run's counters ({@code wait_in_<stage>_s}, {@code wait_in_<stage>_p95_s}).
 */
final class StageTally implements JourneyObserver {
    private final Map<JobStage, List<Duration>> samples = new EnumMap<>(JobStage.class);

    @Override
    public void stage(String pool, JobStage stage, Duration took) {
        if (stage.waiting()) {
            samples.computeIfAbsent(stage, s -> new ArrayList<>()).add(took);
        }
    }

    @Override
    public void ended(JobJourney journey) {
    }

    void addTo(Map<String, Long> counters) {
        for (JobStage stage : JobStage.values()) {
            List<Duration> d = samples.getOrDefault(stage, List.of()).stream().sorted().toList();
            if (d.isEmpty()) {
                continue;
            }
            counters.put("wait_in_" + stage.tag() + "_s", d.stream().mapToLong(Duration::toSeconds).sum());
            counters.put("wait_in_" + stage.tag() + "_p95_s", d.get((int) Math.ceil(0.95 * d.size()) - 1).toSeconds());
        }
    }
}
