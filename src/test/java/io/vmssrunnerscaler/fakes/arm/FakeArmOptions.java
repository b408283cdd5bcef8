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
 * @param limits            per-scale-set token buckets; Azure's documented ones by default
 * @param location          region in operation-status URLs
 * @param clock             time for buckets and operation completion
 */
public record FakeArmOptions(String token, int pageSize, Duration provisioningDelay, Duration operationDelay,
        Duration lroRetryAfter, Map<FakeBucket, FakeBucket.Limit> limits, String location, Clock clock) {

    public static final String TOKEN = "fake-arm-token";

    public FakeArmOptions {
        limits = Map.copyOf(limits);
        for (FakeBucket b : FakeBucket.values()) {
            if (!limits.containsKey(b)) {
                throw new IllegalArgumentException("no limit for " + b);
            }
        }
    }

    /** Azure's limits, pages of 100, operations done after 200 ms, no Retry-After on operations. */
    public static FakeArmOptions defaults() {
        Map<FakeBucket, FakeBucket.Limit> limits = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            limits.put(b, b.azureLimit());
        }
        return new FakeArmOptions(TOKEN, 100, Duration.ofMillis(200), Duration.ofMillis(200), Duration.ZERO, limits,
                "westeurope", Clock.systemUTC());
    }

    public FakeArmOptions withPageSize(int size) {
        return new FakeArmOptions(token, size, provisioningDelay, operationDelay, lroRetryAfter, limits, location, clock);
    }

    public FakeArmOptions withDelays(Duration provisioning, Duration operation) {
        return new FakeArmOptions(token, pageSize, provisioning, operation, lroRetryAfter, limits, location, clock);
    }

    public FakeArmOptions withLroRetryAfter(Duration retryAfter) {
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, retryAfter, limits, location, clock);
    }

    /** The same bucket for every policy, e.g. a scaled-down one so that tests run in seconds. */
    public FakeArmOptions withUniformLimit(FakeBucket.Limit limit) {
        Map<FakeBucket, FakeBucket.Limit> all = new EnumMap<>(FakeBucket.class);
        for (FakeBucket b : FakeBucket.values()) {
            all.put(b, limit);
        }
        return new FakeArmOptions(token, pageSize, provisioningDelay, operationDelay, lroRetryAfter, all, location, clock);
    }
}
