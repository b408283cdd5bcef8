package io.vmssrunnerscaler.intake;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The nonces a runner VM puts into its attested document: issued for one runner name, used once,
 * valid for a short while. Memory is bounded twice over: at most {@code maxOutstanding} nonces
 * issued within one TTL are kept (expired ones are dropped first), and each source address gets a small burst and
 * then one nonce per {@code perSourceInterval}, tracked for at most {@code maxSources} addresses
 * (the least recently seen is forgotten). A flood from jobs on the runner network therefore costs
 * a bounded amount of memory and cannot starve the other VMs' sources.
 */
public final class AttestationNonces {
    /** IMDS takes up to 32 alphanumeric characters; all 32 give 190 bits of randomness. */
    static final int LENGTH = 32;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** What asking for a nonce came to. */
    public sealed interface Issue {
        record Issued(String nonce, Instant expiresAt) implements Issue {}

        /** This source asked too often; it may ask again after {@code retryAfter}. */
        record RateLimited(Duration retryAfter) implements Issue {}

        /** Too many nonces wait to be used. */
        record Full() implements Issue {}
    }

    /** What using a nonce came to. */
    public enum Use {
        ACCEPTED,
        /** Never issued, or used already (a replay), or forgotten after expiry. */
        UNKNOWN,
        EXPIRED,
        /** Issued for another runner name. */
        OTHER_RUNNER
    }

    /** The limits; {@link #defaults(Duration, int)} suits a pool of thousands of VMs. */
    public record Limits(Duration ttl, int maxOutstanding, int burstPerSource, Duration perSourceInterval, int maxSources) {
        public static Limits defaults(Duration ttl, int perSourcePerMinute) {
            return new Limits(ttl, 20_000, Math.min(10, perSourcePerMinute),
                    Duration.ofNanos(Duration.ofMinutes(1).toNanos() / perSourcePerMinute), 10_000);
        }
    }

    private record Issued(String runnerName, Instant expiresAt) {}

    /** A token bucket per source: {@code tokens} as of {@code at}. */
    private record Bucket(double tokens, Instant at) {}

    private final Limits limits;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> outstanding = new HashMap<>();
    /** Issue order, which is expiry order (one TTL for all): the oldest are dropped from the head. */
    private final ArrayDeque<String> byExpiry = new ArrayDeque<>();
    private final LinkedHashMap<String, Bucket> sources;

    public AttestationNonces(Limits limits) {
        this.limits = limits;
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > limits.maxSources();
            }
        };
    }

    /** A fresh nonce for {@code runnerName}, asked from {@code source} (an address) at {@code now}. */
    public synchronized Issue issue(String runnerName, String source, Instant now) {
        Optional<Duration> wait = take(source == null ? "" : source, now);
        if (wait.isPresent()) {
            return new Issue.RateLimited(wait.get());
        }
        dropExpired(now);
        // Counted with the used ones not yet expired, so that the queue of expiries is bounded too.
        if (byExpiry.size() >= limits.maxOutstanding()) {
            return new Issue.Full();
        }
        String nonce = next();
        Instant expiresAt = now.plus(limits.ttl());
        outstanding.put(nonce, new Issued(key(runnerName), expiresAt));
        byExpiry.addLast(nonce);
        return new Issue.Issued(nonce, expiresAt);
    }

    /** Uses {@code nonce} for {@code runnerName}: accepted once, only for the name it was issued to, only in time. */
    public synchronized Use use(String nonce, String runnerName, Instant now) {
        Issued issued = nonce == null ? null : outstanding.get(nonce);
        if (issued == null) {
            return Use.UNKNOWN;
        }
        if (!issued.runnerName().equals(key(runnerName))) {
            // Left in place: a sibling naming the wrong runner must not burn the rightful VM's nonce.
            return Use.OTHER_RUNNER;
        }
        outstanding.remove(nonce);
        return now.isBefore(issued.expiresAt()) ? Use.ACCEPTED : Use.EXPIRED;
    }

    /** Nonces waiting to be used (expired ones included until the next issue drops them). */
    public synchronized int outstanding() {
        return outstanding.size();
    }

    /** Source addresses with a rate-limit state. */
    public synchronized int trackedSources() {
        return sources.size();
    }

    private Optional<Duration> take(String source, Instant now) {
        double perSecond = 1e9 / limits.perSourceInterval().toNanos();
        Bucket b = sources.get(source);
        double tokens = b == null ? limits.burstPerSource()
                : Math.min(limits.burstPerSource(), b.tokens() + perSecond * Duration.between(b.at(), now).toMillis() / 1000.0);
        if (tokens < 1) {
            sources.put(source, new Bucket(tokens, now));
            long waitMillis = (long) Math.ceil((1 - tokens) / perSecond * 1000);
            return Optional.of(Duration.ofMillis(Math.max(1, waitMillis)));
        }
        sources.put(source, new Bucket(tokens - 1, now));
        return Optional.empty();
    }

    private void dropExpired(Instant now) {
        while (!byExpiry.isEmpty()) {
            String oldest = byExpiry.peekFirst();
            Issued issued = outstanding.get(oldest);
            if (issued != null && now.isBefore(issued.expiresAt())) {
                return;
            }
            byExpiry.pollFirst();
            if (issued != null) {
                outstanding.remove(oldest);
            }
        }
    }

    private String next() {
        char[] chars = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private static String key(String runnerName) {
        return runnerName.toLowerCase(Locale.ROOT);
    }
}
