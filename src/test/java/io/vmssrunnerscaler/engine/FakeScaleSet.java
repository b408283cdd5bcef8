package io.vmssrunnerscaler.engine;

import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A scale set in memory for property tests. It runs the engine's calls in any order, some of
 * them failing, and reports the results in any order, some of them twice. A listing is taken
 * when it runs, so it may be stale by the time it is reported - as in Azure.
 */
final class FakeScaleSet {
    private final Random random;
    private final int max;
    /** Instance id to whether Azure reports it failed. */
    private final TreeMap<String, Boolean> vms = new TreeMap<>(Operation.INSTANCE_ID_ORDER);
    private final List<PoolCommand.ScaleSetCall> issued = new ArrayList<>();
    private final List<PoolEvent> results = new ArrayList<>();
    private final List<PoolEvent> reported = new ArrayList<>();
    private int nextId;

    FakeScaleSet(Random random, int max) {
        this.random = random;
        this.max = max;
    }

    void take(List<PoolCommand> commands) {
        commands.stream().filter(PoolCommand.ScaleSetCall.class::isInstance)
                .map(PoolCommand.ScaleSetCall.class::cast).forEach(issued::add);
    }

    boolean canRun() {
        return !issued.isEmpty();
    }

    boolean canReport() {
        return !results.isEmpty();
    }

    boolean canRepeat() {
        return !reported.isEmpty();
    }

    /** Runs one issued call, chosen at random; its result waits to be reported. */
    void runOne() {
        PoolCommand.ScaleSetCall call = issued.remove(random.nextInt(issued.size()));
        Operation op = call.operation();
        boolean fails = random.nextInt(10) == 0;
        results.add(switch (op.kind()) {
            case SET_CAPACITY -> setCapacity(op, fails);
            case REIMAGE -> reimage(op, fails);
            case DELETE -> delete(op, fails);
            case LIST -> list(op, fails);
        });
    }

    PoolEvent reportOne() {
        PoolEvent e = results.remove(random.nextInt(results.size()));
        reported.add(e);
        return e;
    }

    PoolEvent repeatOne() {
        return reported.get(random.nextInt(reported.size()));
    }

    /** Azure flags a random instance failed. */
    void breakOne() {
        if (!vms.isEmpty()) {
            List<String> ids = List.copyOf(vms.keySet());
            vms.put(ids.get(random.nextInt(ids.size())), true);
        }
    }

    List<String> names() {
        return vms.keySet().stream().map(Pools::name).toList();
    }

    int size() {
        return vms.size();
    }

    private PoolEvent setCapacity(Operation op, boolean fails) {
        if (op.capacity() < vms.size()) {
            throw new AssertionError("capacity " + op.capacity() + " below the " + vms.size()
                    + " instances of the scale set: Azure would delete instances of its own choice");
        }
        // A failed PATCH may have partly happened.
        int target = fails ? vms.size() + random.nextInt(op.capacity() - vms.size() + 1) : op.capacity();
        while (vms.size() < target) {
            vms.put(String.valueOf(nextId++), false);
        }
        if (vms.size() > max) {
            throw new AssertionError(vms.size() + " instances, above max " + max);
        }
        return outcome(op, fails);
    }

    private PoolEvent reimage(Operation op, boolean fails) {
        if (fails || !vms.keySet().containsAll(op.instanceIds())) {
            return outcome(op, true);
        }
        op.instanceIds().forEach(id -> vms.put(id, false));
        return outcome(op, false);
    }

    private PoolEvent delete(Operation op, boolean fails) {
        if (!fails) {
            op.instanceIds().forEach(vms::remove); // an instance already gone counts as deleted
        }
        return outcome(op, fails);
    }

    private PoolEvent list(Operation op, boolean fails) {
        if (fails) {
            return outcome(op, true);
        }
        List<ObservedInstance> seen = vms.entrySet().stream()
                .map(e -> new ObservedInstance(e.getKey(), Pools.name(e.getKey()),
                        e.getValue() ? ProvisioningState.FAILED : ProvisioningState.SUCCEEDED))
                .toList();
        return new PoolEvent.InstancesObserved(op.id(), seen);
    }

    private static PoolEvent outcome(Operation op, boolean fails) {
        return fails ? new PoolEvent.OperationFailed(op.id(), "injected") : new PoolEvent.OperationSucceeded(op.id());
    }
}
