package io.vmssrunnerscaler.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A seeded job trace: when each job arrives (offset from the run's start) and how long it runs.
 * Built once and replayed for each policy, so both see exactly the same jobs.
 */
record Trace(String name, Duration length, List<Arrival> arrivals) {

    record Arrival(Duration at, Duration duration) {}

    /** Poisson arrivals at {@code perMinute} for {@code length}, durations uniform in [min, max]. */
    static Trace steady(String name, double perMinute, Duration length, Duration min, Duration max, long seed) {
        return varying(name, minute -> perMinute, perMinute, length, min, max, seed);
    }

    /** {@code count} jobs arriving uniformly within {@code over}, starting {@code at}. */
    static Trace burst(String name, int count, Duration at, Duration over, Duration length, Duration min, Duration max,
            long seed) {
        Random random = new Random(seed);
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = (long) (random.nextDouble() * over.toMillis());
            arrivals.add(new Arrival(at.plusMillis(offset), draw(random, min, max)));
        }
        arrivals.sort(Comparator.comparing(Arrival::at));
        return new Trace(name, length, List.copyOf(arrivals));
    }

    /**
     * A working day over 24 h: {@code night} jobs a minute until 07:00 and after 20:00, rising
     * linearly to {@code peak} at 09:00, a lunch dip to 60 % of peak 12:00-13:00, falling from 17:00.
     */
    static Trace workday(String name, double night, double peak, Duration min, Duration max, long seed) {
        DoubleUnaryOperator rate = minute -> {
            double h = minute / 60.0;
            if (h < 7 || h >= 20) {
                return night;
            }
            if (h < 9) {
                return night + (peak - night) * (h - 7) / 2;
            }
            if (h >= 12 && h < 13) {
                return 0.6 * peak;
            }
            if (h < 17) {
                return peak;
            }
            return peak - (peak - night) * (h - 17) / 3;
        };
        return varying(name, rate, Math.max(night, peak), Duration.ofHours(24), min, max, seed);
    }

    /** Non-homogeneous Poisson arrivals by thinning: rate(minute) never above {@code maxRate}. */
    private static Trace varying(String name, DoubleUnaryOperator rate, double maxRate, Duration length, Duration min,
            Duration max, long seed) {
        Random random = new Random(seed);
        List<Arrival> arrivals = new ArrayList<>();
        double minute = 0;
        double end = length.toMillis() / 60_000.0;
        while (maxRate > 0) {
            minute += -Math.log(1 - random.nextDouble()) / maxRate;
            if (minute >= end) {
                break;
            }
            boolean accept = random.nextDouble() * maxRate <= rate.applyAsDouble(minute);
            Duration duration = draw(random, min, max);
            if (accept) {
                arrivals.add(new Arrival(Duration.ofMillis((long) (minute * 60_000)), duration));
            }
        }
        return new Trace(name, length, List.copyOf(arrivals));
    }

    private static Duration draw(Random random, Duration min, Duration max) {
        long span = max.toMillis() - min.toMillis();
        return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }
}
