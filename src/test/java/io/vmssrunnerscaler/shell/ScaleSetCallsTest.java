package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.time.VirtualTimeSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.CallAllowance;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.ArmPolicy;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSet;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shell's scale-set calls on a virtual clock against a port that keeps Azure's buckets (the
 * production {@link ThrottleBudget}): calls wait in the shell for a token and then carry
 * everything pending, and kinds that share a bucket take turns.
 */
class ScaleSetCallsTest {
    private static final Instant START = Instant.parse("2026-01-05T08:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(2);

    private final VirtualTimeSource time = new VirtualTimeSource(START);
    private final CountingPort port = new CountingPort(time);
    private final List<PoolEvent> results = new ArrayList<>();
    private final Pool pool = new Pool(new PoolSpec("linux", Set.of("linux"), 0, 1000, 0, AfterJob.REIMAGE_OR_DELETE,
            Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofHours(1)),
            RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
    private final ScaleSetCalls[] calls = new ScaleSetCalls[1];
    private long nextId = 1;

    ScaleSetCallsTest() {
        ShellContext context = new ShellContext(time, port, new InMemoryBusyStore(), null, WINDOW, 1000, false);
        calls[0] = new ScaleSetCalls(pool, context, results::add, () -> calls[0].flush());
    }

    private void reimage(String id) {
        calls[0].submit(new PoolCommand.ReimageInstances(new Operation(nextId++, Operation.Kind.REIMAGE, List.of(id), 0,
                time.now())));
    }

    private void capacity(int target) {
        calls[0].submit(new PoolCommand.SetCapacity(new Operation(nextId++, Operation.Kind.SET_CAPACITY, List.of(),
                target, time.now())));
    }

    /** Runs {@code action} every second for {@code seconds} seconds of virtual time. */
    private void everySecond(int seconds, java.util.function.IntConsumer action) {
        for (int s = 0; s < seconds; s++) {
            int n = s;
            time.schedule(Duration.ofSeconds(s), () -> action.accept(n));
        }
    }

    @Test
    void aBurstThatEmptiesTheUpdateBucketGetsOneReimageCallPerTokenWithAllPendingIds() {
        everySecond(180, n -> reimage(String.valueOf(n)));
        time.runFor(Duration.ofMinutes(5));

        List<Call> reimages = port.calls(Operation.Kind.REIMAGE);
        // 11 usable tokens at once (bucket 12, one kept back), then 4 a minute: one call per token, no more.
        assertTrue(reimages.size() <= 11 + 4 * 3 + 1, "more calls than tokens: " + reimages.size());
        assertEquals(180, reimages.stream().mapToInt(c -> c.instanceIds().size()).sum(), "every id re-imaged once");
        assertEquals(List.of(), port.waited(), "a call waited in the budget behind another");
        assertEquals(0, results.stream().filter(e -> e instanceof PoolEvent.OperationFailed).count());
        assertEquals(180, results.stream().filter(e -> e instanceof PoolEvent.OperationSucceeded).count());
        // Once the bucket is empty (it refills during the first minute), each call carries what
        // gathered over a whole token interval.
        List<Call> late = reimages.stream().filter(c -> c.at().isAfter(START.plus(Duration.ofMinutes(1))))
                .filter(c -> c.at().isBefore(START.plus(Duration.ofSeconds(175)))).toList();
        assertTrue(late.size() >= 6, "calls after the first minute: " + late);
        assertTrue(late.stream().allMatch(c -> c.instanceIds().size() >= 14), "small calls after the burst: " + late);
    }

    @Test
    void capacityAndReimageTakeTurnsOnTheSharedBucket() {
        everySecond(600, n -> {
            reimage(String.valueOf(n));
            capacity(1000 + n); // a larger wanted size every second, as a growing pool asks
        });
        time.runFor(Duration.ofMinutes(11));

        List<Call> patches = port.calls(Operation.Kind.SET_CAPACITY);
        List<Call> reimages = port.calls(Operation.Kind.REIMAGE);
        assertTrue(patches.size() >= 20 && reimages.size() >= 20, patches.size() + " PATCHes, " + reimages.size() + " re-images");
        assertEquals(List.of(), port.waited(), "a call waited in the budget behind another");
        // Neither kind waits for more than two refills of the bucket (15 s each) once the burst is spent.
        for (List<Call> kind : List.of(patches, reimages)) {
            for (int i = 1; i < kind.size(); i++) {
                Duration gap = Duration.between(kind.get(i - 1).at(), kind.get(i).at());
                assertTrue(gap.compareTo(Duration.ofSeconds(32)) <= 0, "starved for " + gap + " before " + kind.get(i));
            }
        }
        // Each PATCH carries the latest size wanted when it went out, not the size of its first request.
        for (Call p : patches) {
            long sinceStart = Duration.between(START, p.at()).toSeconds();
            assertTrue(p.capacity() >= 1000 + Math.min(599, sinceStart - 1), "stale PATCH " + p);
        }
    }

    @Test
    void aLargerCapacityChangeGoesOutWhileThePatchBeforeItStillRuns() {
        port.answerAfter = Duration.ofSeconds(90); // Azure answers a capacity PATCH when its VMs are provisioned
        capacity(5);
        time.runFor(Duration.ofSeconds(5));
        capacity(8);
        capacity(9);
        time.runFor(Duration.ofSeconds(10));
        List<Call> patches = port.calls(Operation.Kind.SET_CAPACITY);
        assertEquals(List.of(5, 9), patches.stream().map(Call::capacity).toList(),
                "the latest size goes at the next token, once, without waiting 90 s for the first");
    }

    @Test
    void aCallWhoseBucketHasTokensDoesNotWaitForAnotherBucket() {
        everySecond(120, n -> reimage(String.valueOf(n))); // keeps the Update bucket spent
        time.runFor(Duration.ofSeconds(66)); // a few seconds after a re-image took the latest Update token
        Instant nextUpdateToken = port.calls(Operation.Kind.REIMAGE).get(port.calls(Operation.Kind.REIMAGE).size() - 1).at()
                .plus(Duration.ofSeconds(15));
        Instant asked = time.now();
        calls[0].submit(new PoolCommand.DeleteInstances(new Operation(nextId++, Operation.Kind.DELETE, List.of("900"), 0,
                asked)));
        assertTrue(nextUpdateToken.isAfter(asked.plus(WINDOW)), "the scenario needs the Update bucket empty");
        time.runFor(Duration.ofSeconds(3));
        List<Call> deletes = port.calls(Operation.Kind.DELETE);
        assertEquals(1, deletes.size(), "the delete waited for the Update bucket's next token");
        assertEquals(asked.plus(WINDOW), deletes.get(0).at(), "sent after one batch window");
    }

    /** One call as the port saw it. */
    record Call(Operation.Kind kind, Instant at, List<String> instanceIds, int capacity) {}

    /**
     * A scale set whose calls take {@code answerAfter} and are charged to the production budget
     * as the Azure adapter charges them; records any call that had to wait for a token.
     */
    static final class CountingPort implements ScaleSetPort {
        private final VirtualTimeSource time;
        private final ThrottleBudget budget;
        private final Map<Operation.Kind, List<Call>> calls = new EnumMap<>(Operation.Kind.class);
        private final List<Call> waited = new ArrayList<>();
        Duration answerAfter = Duration.ofSeconds(1);

        CountingPort(VirtualTimeSource time) {
            this.time = time;
            this.budget = ThrottleBudget.azure(time.asClock());
        }

        List<Call> calls(Operation.Kind kind) {
            return calls.getOrDefault(kind, List.of());
        }

        List<Call> waited() {
            return waited;
        }

        @Override
        public Uni<List<ObservedInstance>> list(ScaleSetRef ref) {
            return charged(new Call(Operation.Kind.LIST, time.now(), List.of(), 0)).map(x -> List.of());
        }

        @Override
        public Uni<Void> setCapacity(ScaleSetRef ref, int capacity) {
            return charged(new Call(Operation.Kind.SET_CAPACITY, time.now(), List.of(), capacity));
        }

        @Override
        public Uni<Void> reimage(ScaleSetRef ref, List<String> instanceIds) {
            return charged(new Call(Operation.Kind.REIMAGE, time.now(), instanceIds, 0));
        }

        @Override
        public Uni<Void> delete(ScaleSetRef ref, List<String> instanceIds) {
            return charged(new Call(Operation.Kind.DELETE, time.now(), instanceIds, 0));
        }

        @Override
        public CallAllowance allowance(ScaleSetRef ref, Operation.Kind kind) {
            return AzureScaleSet.policy(kind).map(p -> budget.allowance(ref.name(), p)).orElse(CallAllowance.UNLIMITED);
        }

        private Uni<Void> charged(Call call) {
            ArmPolicy policy = AzureScaleSet.policy(call.kind()).orElseThrow();
            ThrottleBudget.Reservation r = budget.reserve("linux-vmss", policy, Duration.ofMinutes(10));
            if (!r.delay().isZero()) {
                waited.add(call);
            }
            calls.computeIfAbsent(call.kind(), k -> new ArrayList<>()).add(call);
            return Uni.createFrom().emitter(e -> time.schedule(r.delay().plus(answerAfter), () -> e.complete(null)));
        }
    }

}
