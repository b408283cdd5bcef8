package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Jobs that asked for runners no pool serves: a queued delivery whose labels no pool's labels
 * cover. Such a job would wait at GitHub for ever without a word from the scaler; here each label
 * set is logged the first time it is seen and kept with a count, so that a misspelt label or a
 * missing pool shows. The least recently seen label set goes first when {@link #KEPT} are held.
 */
public final class UnservedDemand {
    private static final Logger LOG = Logger.getLogger(UnservedDemand.class);
    static final int KEPT = 100;

    /**
     * One label set no pool serves.
     *
     * @param labels as the jobs asked, lower-cased and sorted
     * @param jobs queued deliveries seen with them
     */
    public record LabelSet(List<String> labels, long jobs, Instant firstSeen, Instant lastSeen, String lastRepository,
            long lastJobId) {}

    private final TimeSource time;
    /** Each pool's labels, for the log line: the pools do not change while the scaler runs. */
    private final String poolLabels;
    /** In order of the last delivery, oldest first. */
    private final Map<List<String>, LabelSet> seen = new LinkedHashMap<>(16, 0.75f, true);

    public UnservedDemand(TimeSource time, Collection<Pool> pools) {
        this.time = time;
        Map<String, Set<String>> byPool = new TreeMap<>();
        pools.forEach(p -> byPool.putIfAbsent(p.poolName(), new TreeSet<>(p.labels())));
        this.poolLabels = byPool.toString();
    }

    /** Counts a queued job that no pool serves; logs its label set the first time. */
    void record(WorkflowJob job) {
        List<String> labels = List.copyOf(new TreeSet<>(job.labels().stream().map(l -> l.toLowerCase(Locale.ROOT)).toList()));
        Instant now = time.now();
        boolean first;
        synchronized (this) {
            LabelSet before = seen.get(labels);
            first = before == null;
            seen.put(labels, new LabelSet(labels, first ? 1 : before.jobs() + 1, first ? now : before.firstSeen(), now,
                    job.repositoryFullName(), job.jobId()));
            if (seen.size() > KEPT) {
                seen.remove(seen.keySet().iterator().next());
            }
        }
        if (first) {
            // A job for GitHub's own runners (ubuntu-latest, ...) lands here too: only self-hosted is a warning.
            Logger.Level level = labels.contains("self-hosted") ? Logger.Level.WARN : Logger.Level.INFO;
            LOG.logf(level, "no pool serves labels %s (job %d of %s): such jobs wait at GitHub; a pool serves a job when "
                    + "its labels cover all of the job's. The pools have %s. Shown in GET /status/unserved; logged once "
                    + "per label set", labels, job.jobId(), job.repositoryFullName(), poolLabels);
        }
    }

    /** The label sets seen, most recently seen first. */
    public synchronized List<LabelSet> labelSets() {
        List<LabelSet> all = new ArrayList<>(seen.values());
        all.sort(Comparator.comparing(LabelSet::lastSeen).reversed());
        return all;
    }
}
