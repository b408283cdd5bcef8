package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.time.TimeSource;
import io.vmssrunnerscaler.sim.SimulatedAzure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The simulated Azure with {@code sku.capacity} counted as Azure counts it: an instance whose delete
 * was accepted no longer counts, although it stays in the listing (Deleting) until it is gone. The
 * simulator counts it until it is gone, so a capacity of N sent to it would create too few
 * instances while deletes run. This port adds to the capacity sent the instances that will still be
 * deleting when the simulator applies it (a raise at once; a cut its capacity delay later, which
 * this port does not tell apart: a cut may leave a few more instances), so that a policy can reason in
 * Azure's terms. Deletes accepted during that delay are not known yet and still count (a few
 * seconds' error). Benchmarks only; the simulator itself should count like Azure (see the report).
 */
final class AzureCounted implements ScaleSetPort {
    private record Deleting(Instant since, int count) {}

    private final SimulatedAzure azure;
    private final TimeSource time;
    private final Duration deleteDelay;
    private final List<Deleting> deleting = new ArrayList<>();

    AzureCounted(SimulatedAzure azure, TimeSource time, Duration deleteDelay) {
        this.azure = azure;
        this.time = time;
        this.deleteDelay = deleteDelay;
    }

    @Override
    public Uni<List<ObservedInstance>> list(ScaleSetRef ref) {
        return azure.list(ref);
    }

    /** Sets Azure's capacity: instances that count, not counting those whose delete was accepted. */
    @Override
    public Uni<Void> setCapacity(ScaleSetRef ref, int capacity) {
        return Uni.createFrom().deferred(() -> azure.setCapacity(ref, capacity + stillDeletingAtApply()));
    }

    @Override
    public Uni<Void> reimage(ScaleSetRef ref, List<String> instanceIds) {
        return azure.reimage(ref, instanceIds);
    }

    @Override
    public Uni<Void> delete(ScaleSetRef ref, List<String> instanceIds) {
        return tracked(instanceIds.size(), () -> azure.delete(ref, instanceIds));
    }

    /** The scale set's own GET (low-cost): the original design read the capacity this way. */
    Uni<Integer> capacity(ScaleSetRef ref) {
        return azure.capacity(ref).map(n -> n - deletingNow());
    }

    Uni<Void> reimageInstance(ScaleSetRef ref, String instanceId) {
        return azure.reimageInstance(ref, instanceId);
    }

    Uni<Void> deleteInstance(ScaleSetRef ref, String instanceId) {
        return tracked(1, () -> azure.deleteInstance(ref, instanceId));
    }

    private Uni<Void> tracked(int count, Supplier<Uni<Void>> call) {
        return Uni.createFrom().deferred(() -> {
            Deleting d = new Deleting(time.now(), count);
            deleting.add(d);
            // Completes when the instances are gone, fails at once when refused (429 or unknown id).
            return call.get().onTermination().invoke(() -> deleting.remove(d));
        });
    }

    /** Instances in Deleting when a capacity sent now is applied. */
    private int stillDeletingAtApply() {
        Instant apply = time.now(); // the simulator creates the instances of a raise at once
        int n = 0;
        for (Deleting d : deleting) {
            if (d.since().plus(deleteDelay).isAfter(apply)) {
                n += d.count();
            }
        }
        return n;
    }

    /** Instances in Deleting now (accepted deletes whose instances are not gone yet). */
    private int deletingNow() {
        int n = 0;
        for (Deleting d : deleting) {
            n += d.count();
        }
        return n;
    }
}
