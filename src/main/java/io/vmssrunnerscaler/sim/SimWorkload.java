package io.vmssrunnerscaler.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Generates jobs: Poisson arrivals at a mean rate, durations uniform between two bounds, labels
 * drawn from a weighted mix. Each job comes from a repository of the scope of the scale set whose labels it names.
 */
public final class SimWorkload {

    /** One kind of job and how often it comes. */
    public record Mix(Set<String> labels, int weight) {}

    private final SimWorld world;
    private final List<Mix> mix;
    private final List<SimScaleSet> scaleSets;
    private final double jobsPerMinute;
    private final Duration minDuration;
    private final Duration maxDuration;
    private final Random random;
    private boolean running;

    public SimWorkload(SimWorld world, Collection<SimScaleSet> scaleSets, Map<String, Integer> labelMix,
            double jobsPerMinute, Duration minDuration, Duration maxDuration, long seed) {
        this.world = world;
        this.scaleSets = List.copyOf(scaleSets);
        this.mix = labelMix.isEmpty() ? scaleSetMix(scaleSets) : parse(labelMix);
        this.jobsPerMinute = jobsPerMinute;
        this.minDuration = minDuration;
        this.maxDuration = maxDuration;
        this.random = new Random(seed);
    }

    /** Starts the Poisson arrivals. */
    public void start() {
        world.time().schedule(Duration.ZERO, () -> {
            running = true;
            scheduleNext();
        });
    }

    /** Starts bursts of {@code size} jobs every {@code interval}, the first after {@code first}. */
    public void startBursts(int size, Duration first, Duration interval) {
        if (size <= 0) {
            return;
        }
        world.time().schedule(first, () -> {
            running = true;
            burstLoop(size, interval);
        });
    }

    private void burstLoop(int size, Duration interval) {
        if (!running) {
            return;
        }
        for (int i = 0; i < size; i++) {
            submit(pick(), drawDuration());
        }
        world.time().schedule(interval, () -> burstLoop(size, interval));
    }

    public void stop() {
        world.time().schedule(Duration.ZERO, () -> running = false);
    }

    /**
     * Why no simulated runner could take a job with these labels, or empty when a scale set's
     * labels cover them (the scaler's own routing rule). Empty labels are drawn from the mix.
     */
    public Optional<String> unserved(Set<String> labels) {
        if (labels.isEmpty() || scaleSets.stream().anyMatch(s -> s.labels().containsAll(lower(labels)))) {
            return Optional.empty();
        }
        return Optional.of("no pool serves labels " + new TreeSet<>(lower(labels))
                + ": a job runs only where a pool's labels cover all of its own; the pools here have "
                + scaleSets.stream().map(s -> new TreeSet<>(s.labels()).toString()).distinct()
                        .collect(Collectors.joining(", ")));
    }

    /** Submits {@code count} jobs at once, with these labels (or drawn from the mix when empty). */
    public void burst(int count, Set<String> labels, Duration duration) {
        world.time().schedule(Duration.ZERO, () -> {
            for (int i = 0; i < count; i++) {
                submit(labels.isEmpty() ? pick() : labels, duration != null ? duration : drawDuration());
            }
        });
    }

    private void scheduleNext() {
        if (!running || jobsPerMinute <= 0) {
            return;
        }
        double minutes = -Math.log(1 - random.nextDouble()) / jobsPerMinute;
        world.time().schedule(Duration.ofMillis((long) (minutes * 60_000)), () -> {
            if (running) {
                submit(pick(), drawDuration());
                scheduleNext();
            }
        });
    }

    private void submit(Set<String> labels, Duration duration) {
        SimScaleSet home = scaleSets.stream().filter(s -> s.labels().containsAll(lower(labels))).findFirst()
                .orElse(scaleSets.get(0));
        String repository = home.scope().isOrganisation() ? home.scope().owner() + "/app" : home.scope().toString();
        String organisation = home.scope().isOrganisation() ? home.scope().owner() : null;
        world.gitHub().submit(labels, duration, repository, organisation);
    }

    private Set<String> pick() {
        int total = mix.stream().mapToInt(Mix::weight).sum();
        int r = random.nextInt(total);
        for (Mix m : mix) {
            r -= m.weight();
            if (r < 0) {
                return m.labels();
            }
        }
        return mix.get(mix.size() - 1).labels();
    }

    private Duration drawDuration() {
        long span = maxDuration.toMillis() - minDuration.toMillis();
        return minDuration.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }

    private static List<Mix> scaleSetMix(Collection<SimScaleSet> scaleSets) {
        return scaleSets.stream().map(s -> new Mix(s.labels(), 1)).toList();
    }

    private static List<Mix> parse(Map<String, Integer> labelMix) {
        List<Mix> mix = new ArrayList<>();
        new java.util.TreeMap<>(labelMix).forEach((labels, weight) -> mix.add(new Mix(
                Set.of(labels.split(",")).stream().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toSet()),
                weight)));
        return mix;
    }

    private static Set<String> lower(Set<String> labels) {
        return labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
