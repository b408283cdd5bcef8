package io.vmssrunnerscaler.fakes.arm;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What the fake has seen and answered, for assertions and benchmarks. */
public final class FakeArmCounters {

    /** The requests the fake routes. */
    public enum Route { GET_SCALE_SET, LIST_INSTANCES, PATCH_SCALE_SET, REIMAGE, DELETE_INSTANCES, OPERATION_STATUS }

    /** An accepted write: capacity for PATCH, instance ids (null: all) for reimage and delete. */
    public record Write(Route route, String scaleSet, Integer capacity, List<String> instanceIds) {
    }

    private final AtomicInteger requests = new AtomicInteger();
    private final Map<Route, AtomicInteger> byRoute = new EnumMap<>(Route.class);
    private final Map<FakeBucket, AtomicInteger> accepted = new EnumMap<>(FakeBucket.class);
    private final Map<FakeBucket, AtomicInteger> throttledBy = new EnumMap<>(FakeBucket.class);
    private final AtomicInteger throttled = new AtomicInteger();
    private final Map<FakeBucket, AtomicInteger> charged = new EnumMap<>(FakeBucket.class);
    private final Map<FakeBucket, AtomicInteger> coTenant = new EnumMap<>(FakeBucket.class);
    private final Map<FakeRefusal, AtomicInteger> refusals = new EnumMap<>(FakeRefusal.class);
    private final AtomicInteger instanceViewPages = new AtomicInteger();
    private final List<Write> writes = new CopyOnWriteArrayList<>();

    FakeArmCounters() {
        for (Route r : Route.values()) {
            byRoute.put(r, new AtomicInteger());
        }
        for (FakeRefusal r : FakeRefusal.values()) {
            refusals.put(r, new AtomicInteger());
        }
        for (FakeBucket b : FakeBucket.values()) {
            accepted.put(b, new AtomicInteger());
            throttledBy.put(b, new AtomicInteger());
            charged.put(b, new AtomicInteger());
            coTenant.put(b, new AtomicInteger());
        }
    }

    /** Every request that reached the fake, whatever it was answered. */
    public int requests() {
        return requests.get();
    }

    /** Requests that matched this route (including those then throttled or failed). */
    public int requests(Route route) {
        return byRoute.get(route).get();
    }

    /** Calls that took a token from this bucket. */
    public int calls(FakeBucket bucket) {
        return accepted.get(bucket).get();
    }

    /** Tokens the accepted calls cost in this bucket (their request charges summed). */
    public int charged(FakeBucket bucket) {
        return charged.get(bucket).get();
    }

    /** Tokens other callers ({@link FakeCoTenant}) took from this bucket. */
    public int coTenantSpent(FakeBucket bucket) {
        return coTenant.get(bucket).get();
    }

    /** 429s answered, injected or from an empty bucket. */
    public int throttled() {
        return throttled.get();
    }

    /** 429s answered because this bucket was empty. */
    public int throttled(FakeBucket bucket) {
        return throttledBy.get(bucket).get();
    }

    /** Listing pages that were asked for with {@code $expand=instanceView}. */
    public int instanceViewPages() {
        return instanceViewPages.get();
    }

    /** Accepted PATCH / reimage / delete calls, in order. */
    public List<Write> writes() {
        return List.copyOf(writes);
    }

    void request() {
        requests.incrementAndGet();
    }

    void route(Route r) {
        byRoute.get(r).incrementAndGet();
    }

    void accepted(FakeBucket b, int charge) {
        accepted.get(b).incrementAndGet();
        charged.get(b).addAndGet(charge);
    }

    /** Capacity PATCHes refused this way. */
    public int refused(FakeRefusal r) {
        return refusals.get(r).get();
    }

    void refuse(FakeRefusal r) {
        refusals.get(r).incrementAndGet();
    }

    void coTenant(FakeBucket b, int tokens) {
        coTenant.get(b).addAndGet(tokens);
    }

    void throttled(FakeBucket b, boolean byBucket) {
        throttled.incrementAndGet();
        if (byBucket) {
            throttledBy.get(b).incrementAndGet();
        }
    }

    void instanceViewPage() {
        instanceViewPages.incrementAndGet();
    }

    void write(Write w) {
        writes.add(w);
    }
}
