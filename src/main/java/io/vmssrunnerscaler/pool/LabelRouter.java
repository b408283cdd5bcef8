package io.vmssrunnerscaler.pool;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the pool for a job: among the pools whose scope covers the delivery and whose labels
 * cover all of the job's labels (case-insensitive), the most specific one (fewest labels), then by name.
 */
public final class LabelRouter {
    private final List<Pool> pools;

    public LabelRouter(Collection<Pool> pools) {
        this.pools = pools.stream()
                .sorted(Comparator.comparingInt((Pool p) -> p.labels().size()).thenComparing(Pool::name))
                .toList();
    }

    public Optional<Pool> route(Collection<String> jobLabels, String repositoryFullName, String organisation) {
        Set<String> wanted = jobLabels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return pools.stream()
                .filter(p -> p.scope().covers(repositoryFullName, organisation))
                .filter(p -> p.labels().containsAll(wanted))
                .findFirst();
    }

    /** Whether any pool serves this repository or organisation at all. */
    public boolean servesScope(String repositoryFullName, String organisation) {
        return pools.stream().anyMatch(p -> p.scope().covers(repositoryFullName, organisation));
    }
}
