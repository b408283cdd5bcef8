package io.vmssrunnerscaler.scaleset.azure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what Compute says about its budget on an answer (docs/PROTOCOLS.md, "Throttling as Azure reports it";
 * Microsoft Learn, "Troubleshooting API throttling errors"): one {@code x-ms-ratelimit-remaining-resource}
 * value per policy covering the request, {@code Microsoft.Compute/<Policy><window>;<count>}
 * (e.g. {@code Microsoft.Compute/HighCostGetVMScaleSet3Min;107}), sent as several headers or as
 * one comma-joined header, and {@code x-ms-request-charge: <count>}, the tokens the call cost.
 * Pure and tolerant: values it cannot read, other providers and policies this adapter does not
 * know are skipped; nothing here throws on a header.
 */
public final class RateLimitHeaders {
    public static final String REMAINING = "x-ms-ratelimit-remaining-resource";
    public static final String CHARGE = "x-ms-request-charge";
    /** No charge above this is believed (a garbled header must not block a bucket for hours). */
    static final int MAX_CHARGE = 1000;

    private static final String PROVIDER = "microsoft.compute/";
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9.]+/[A-Za-z0-9]+);\\s*([0-9]{1,9})");
    private static final Pattern WINDOW = Pattern.compile("(.*?)([0-9]{1,4})(min|sec|hour|h|m|s)?", Pattern.CASE_INSENSITIVE);

    /**
     * One figure: {@code remaining} tokens left in {@code policy}'s {@code window} (null when the
     * name carried no window suffix).
     */
    public record Remaining(ArmPolicy policy, Duration window, int remaining) {
    }

    /** Everything read from one answer: the figures of known policies, and the charge (1 when absent or unreadable). */
    public record Report(List<Remaining> remaining, int charge) {
        public static final Report NONE = new Report(List.of(), 1);

        public Report {
            remaining = List.copyOf(remaining);
        }

        /** The lowest figure reported for this policy over all windows, if any. */
        public Optional<Integer> lowest(ArmPolicy policy) {
            return remaining.stream().filter(r -> r.policy() == policy).map(Remaining::remaining).min(Integer::compare);
        }
    }

    private RateLimitHeaders() {
    }

    /**
     * @param remainingValues every value of {@code x-ms-ratelimit-remaining-resource} (each may itself be comma-joined); null for none
     * @param charge          the value of {@code x-ms-request-charge}, or null
     */
    public static Report parse(Iterable<String> remainingValues, String charge) {
        List<Remaining> out = new ArrayList<>();
        if (remainingValues != null) {
            for (String header : remainingValues) {
                if (header == null) {
                    continue;
                }
                for (String value : header.split(",")) {
                    figure(value.trim()).ifPresent(out::add);
                }
            }
        }
        return new Report(out, charge(charge));
    }

    /** One {@code Microsoft.Compute/<name>;<count>}, if it names a policy we know. */
    static Optional<Remaining> figure(String value) {
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        String qualified = m.group(1);
        if (!qualified.toLowerCase(Locale.ROOT).startsWith(PROVIDER)) {
            return Optional.empty();
        }
        String name = qualified.substring(PROVIDER.length());
        int count = Integer.parseInt(m.group(2)); // at most 9 digits: fits
        Optional<ArmPolicy> plain = ArmPolicy.byAzureName(name);
        if (plain.isPresent()) {
            return Optional.of(new Remaining(plain.get(), null, count));
        }
        Matcher w = WINDOW.matcher(name);
        if (!w.matches() || w.group(3) == null) {
            return Optional.empty();
        }
        return ArmPolicy.byAzureName(w.group(1))
                .map(p -> new Remaining(p, window(Integer.parseInt(w.group(2)), w.group(3)), count));
    }

    private static Duration window(int n, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "sec", "s" -> Duration.ofSeconds(n);
            case "hour", "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** The charge, 1 if absent or not a whole number in 0..MAX_CHARGE. */
    static int charge(String value) {
        if (value == null) {
            return 1;
        }
        String v = value.trim();
        int comma = v.indexOf(',');
        if (comma >= 0) {
            v = v.substring(0, comma).trim(); // a repeated header, comma-joined: the first is as good as any
        }
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
            return 1;
        }
        int n = Integer.parseInt(v);
        return n > MAX_CHARGE ? 1 : n;
    }
}
