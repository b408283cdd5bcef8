package io.vmssrunnerscaler.fakes.arm;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the fake ARM behaves.
 *
 * @param token             the only bearer token accepted
 * @param pageSize          instances per page of a listing (more pages carry an absolute nextLink)
 * @param provisioningDelay until a new instance is Succeeded and a capacity PATCH is done
 * @param operationDelay    until a re-image or delete (and its operation status) is done
 * @param lroRetryAfter     Retry-After on accepted operations and their status; zero sends none
 * @param limits            per-scale-set token buckets (the {@code ...3Min} window); Azure's documented ones by default
 * @param longLimits        the {@code ...30Min} window of each bucket; {@link FakeBucket.Limit#longWindow()} by default
 * @param location          region in operation-status URLs
 * @param clock             time for buckets and operation completion
 * @param headerFormat      how {@code x-ms-ratelimit-remaining-resource} is sent
 * @param charge            what a write costs, as reported in {@code x-ms-request-charge}
 */
public record FakeArmOptions(String token, int pageSize, Duration provisioningDelay, Duration operationDelay,
        Duration lroRetryAfter, Map<FakeBucket, FakeBucket.Limit> limits, Map<FakeBucket, FakeBucket.Limit> longLimits,
        String location, Clock clock, HeaderFormat headerFormat, Charge charge) {

    public static final String TOKEN = "fake-arm-token";

    /** How the budget figures travel (both occur: Microsoft's page shows one header per policy, proxies join them). */
    public enum HeaderFormat {
        /** One {@code x-ms-ratelimit-remaining-resource} header per figure, as Microsoft's example shows. */
        SEPARATE,
        /** One header, the figures comma-joined (as an HTTP intermediary may fold repeated headers). */
        JOINED,
        /** No budget headers and no request charge: the control for tests of the adapter following them. */
        NONE
    }

    /**
     * What a write (capacity PATCH, batch re-image, batch delete) costs; reads always cost 1.
     *
     * @param perCall       tokens per write call, when not per instance
     * @param byInstanceId  re-image and delete cost one token per instance id in the body, a
     *                      capacity PATCH one per instance added or removed (at least 1)
     */
    public record Charge(int perCall, boolean byInstanceId) {
        public static final Charge ONE = new Charge(1, false);

        public Charge {
            if (perCall < 1) {
                throw new IllegalArgumentException("perCall must be >= 1");
            }
        }

        public static Charge perCall(int tokens) {
            return new Charge(tokens, false);
        }

        public static Charge perInstanceId() {
            return new Charge(1, true);
        }
    }

    public FakeArmOptions {
        limits = Map.copyOf(limits);
        longLimits = Map.copyOf(longLimits);
        for (FakeBucket b : FakeBucket.values()) {
            if (!limits.containsKey(b) || !longLimits.containsKey(b)) {
                throw new IllegalArgumentException("no limit for " + b);
            }
        }
    }

    /** Azure's limits, pages of 100, operations done after 200 ms, no Retry-After on operations, separate headers, charge 1. */
    public static FakeArmOptions defaults() {
        Map<FakeBucket, FakeBucket.Limit> limits = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            limits.put(b, b.azureLimit());
        }
        return new FakeArmOptions(TOKEN, 100, Duration.ofMillis(200), Duration.ofMillis(200), Duration.ZERO, limits,
                longWindows(limits), "westeurope", Clock.systemUTC(), HeaderFormat.SEPARATE, Charge.ONE);
    }

    public FakeArmOptions withPageSize(int size) {
        return new FakeArmOptions(token, size, provisioningDelay, operationDelay, lroRetryAfter, limits, longLimits, location,
                clock, headerFormat, charge);
    }

    public FakeArmOptions withDelays(Duration provisioning, Duration operation) {
        return new FakeArmOptions(token, pageSize, provisioning, operation, lroRetryAfter, limits, longLimits, location, clock,
                headerFormat, charge);
    }

    public FakeArmOptions withLroRetryAfter(Duration retryAfter) {
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, retryAfter, limits, longLimits, location,
                clock, headerFormat, charge);
    }

    /** The same bucket for every policy, e.g. a scaled-down one so that tests run in seconds; long windows derived from it. */
    public FakeArmOptions withUniformLimit(FakeBucket.Limit limit) {
        Map<FakeBucket, FakeBucket.Limit> all = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            all.put(b, limit);
        }
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, all, longWindows(all),
                location, clock, headerFormat, charge);
    }

    /** Azure's buckets, refilled by their documented counts every {@code period} instead of every minute. */
    public FakeArmOptions withRefillPeriod(Duration period) {
        Map<FakeBucket, FakeBucket.Limit> all = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            FakeBucket.Limit documented = b.azureLimit();
            all.put(b, new FakeBucket.Limit(documented.bucket(), documented.refill(), period));
        }
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, all, longWindows(all),
                location, clock, headerFormat, charge);
    }

    /** The same long ({@code ...30Min}) window for every policy, e.g. a tight one. */
    public FakeArmOptions withUniformLongLimit(FakeBucket.Limit limit) {
        Map<FakeBucket, FakeBucket.Limit> all = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            all.put(b, limit);
        }
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, limits, all, location,
                clock, headerFormat, charge);
    }

    public FakeArmOptions withHeaderFormat(HeaderFormat format) {
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, limits, longLimits, location,
                clock, format, charge);
    }

    public FakeArmOptions withCharge(Charge c) {
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, limits, longLimits, location,
                clock, headerFormat, c);
    }

    private static Map<FakeBucket, FakeBucket.Limit> longWindows(Map<FakeBucket, FakeBucket.Limit> limits) {
        Map<FakeBucket, FakeBucket.Limit> out = new EnumMap<>(FakeBucket.class);
        limits.forEach((b, l) -> out.put(b, l.longWindow()));
        return out;
    }
}
