package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Simulated VM Scale Sets with Azure's behaviour: a capacity raise creates instances with
 * increasing ids and computer names {@code <prefix><6 base-36 digits>}, listed Creating until the
 * operation completes, a capacity cut removes the
 * highest ids (whoever runs there), re-image and delete take time, and failures can be injected.
 * Every call completes later on the simulator's clock, never on the caller's stack.
 *
 * <p>Every call is charged to its Compute throttling bucket ({@link #throttling()}): counted always,
 * and, once {@link SimThrottling#enforce enforced}, refused with {@link SimulatedThrottled} (Azure's
 * 429 with Retry-After) when the scale set's bucket is empty. The per-VM calls and the single GET
 * are not used by the scaler; they are there for the benchmarks' baseline (the original design).
 */
public final class SimulatedAzure implements ScaleSetPort {
    private final SimWorld world;
    private final Map<String, ScaleSetSim> scaleSets = new HashMap<>();
    private final SimThrottling throttling = new SimThrottling();
    private final SimLosses losses;

    private final class ScaleSetSim {
        final SimScaleSet spec;
        final TreeMap<Integer, SimVm> vms = new TreeMap<>();
        int nextId;

        ScaleSetSim(SimScaleSet spec) {
            this.spec = spec;
        }
    }

    SimulatedAzure(SimWorld world, Collection<SimScaleSet> specs) {
        this.world = world;
        specs.forEach(s -> scaleSets.put(s.name(), new ScaleSetSim(s)));
        this.losses = new SimLosses(world, this);
    }

    @Override
    public Uni<List<ObservedInstance>> list(ScaleSetRef ref) {
        return charged(ref, ArmBucket.HIGH_COST_GET_VMSS, () -> world.later(Duration.ZERO, () -> set(ref).vms.values().stream().map(SimVm::observed).toList()));
    }

    /**
     * As Azure: the new instances are listed at once, Creating, while the operation runs; it
     * completes when they are provisioned (capacity delay plus provisioning delay later), and
     * only then are they Succeeded and boot their runner. A cut removes the highest ids after the
     * capacity delay.
     */
    @Override
    public Uni<Void> setCapacity(ScaleSetRef ref, int capacity) {
        return charged(ref, ArmBucket.UPDATE_VMSS, () -> world.later(Duration.ZERO, () -> {
            ScaleSetSim s = set(ref);
            world.failIfInjected("setCapacity");
            if (capacity > s.vms.size()) {
                world.refuseIfRefusing(ref.name());
            }
            world.log(Kind.CAPACITY_SET, 0, ref.name(), null, capacity, "");
            List<SimVm> created = new ArrayList<>();
            while (s.vms.size() < capacity) {
                created.add(create(s));
            }
            if (s.vms.size() > s.spec.max()) {
                world.log(Kind.MAX_EXCEEDED, 0, ref.name(), null, s.vms.size(), "max " + s.spec.max());
            }
            return created;
        }).flatMap(created -> created.isEmpty()
                ? world.later(world.settings().capacityDelay(), () -> scaleIn(set(ref), capacity))
                : world.later(world.settings().capacityDelay().plus(world.settings().provisioningDelay()), () -> {
                    created.stream().filter(vm -> vm.state == ProvisioningState.CREATING).forEach(this::provisioned);
                    return null;
                })));
    }

    private Void scaleIn(ScaleSetSim s, int capacity) {
        while (s.vms.size() > capacity) {
            SimVm victim = s.vms.pollLastEntry().getValue(); // Azure's scale-in picks for itself
            touch(victim, "scale-in");
            world.gitHub().vmGone(victim);
        }
        return null;
    }

    @Override
    public Uni<Void> reimage(ScaleSetRef ref, List<String> instanceIds) {
        return charged(ref, ArmBucket.UPDATE_VMSS, () -> reimageNow(ref, instanceIds));
    }

    @Override
    public Uni<Void> delete(ScaleSetRef ref, List<String> instanceIds) {
        return charged(ref, ArmBucket.DELETE_VMSS_VMS, () -> deleteNow(ref, instanceIds));
    }

    /** GET of the scale set (a low-cost get): its {@code sku.capacity}, i.e. the instances it holds. */
    public Uni<Integer> capacity(ScaleSetRef ref) {
        return charged(ref, ArmBucket.LOW_COST_GET_VMSS, () -> world.later(Duration.ZERO, () -> set(ref).vms.size()));
    }

    /** Re-images one instance by its own VM API ({@code .../virtualMachines/{id}/reimage}): Update VMSS VMs. */
    public Uni<Void> reimageInstance(ScaleSetRef ref, String instanceId) {
        return charged(ref, ArmBucket.UPDATE_VMSS_VMS, () -> reimageNow(ref, List.of(instanceId)));
    }

    /** Deletes one instance by its own VM API ({@code DELETE .../virtualMachines/{id}}): Delete VMSS VMs. */
    public Uni<Void> deleteInstance(ScaleSetRef ref, String instanceId) {
        return charged(ref, ArmBucket.DELETE_VMSS_VMS, () -> deleteNow(ref, List.of(instanceId)));
    }

    /** The calls made so far, per throttling bucket, and whether Azure's limits are enforced. */
    public SimThrottling throttling() {
        return throttling;
    }

    private Uni<Void> reimageNow(ScaleSetRef ref, List<String> instanceIds) {
        return takeDown(ref, instanceIds, "reimage", Kind.REIMAGE_REQUESTED, ProvisioningState.UPDATING)
                .flatMap(vms -> world.later(world.settings().reimageDelay(), () -> {
                    vms.forEach(this::provisioned);
                    return null;
                }));
    }

    private Uni<Void> deleteNow(ScaleSetRef ref, List<String> instanceIds) {
        return takeDown(ref, instanceIds, "delete", Kind.DELETE_REQUESTED, ProvisioningState.DELETING)
                .flatMap(vms -> world.later(world.settings().deleteDelay(), () -> {
                    vms.stream().filter(this::holds).forEach(vm -> { // an evicted or killed one went already
                        s(vm).vms.remove(Integer.parseInt(vm.instanceId));
                        world.log(Kind.INSTANCE_DELETED, 0, vm.scaleSet, vm.instanceId, 0, "");
                    });
                    return null;
                }));
    }

    /**
     * The common first half of a re-image or delete: the runners on these VMs are gone (and a
     * busy one is logged as touched), and the VMs enter {@code state} in a new generation.
     */
    private Uni<List<SimVm>> takeDown(ScaleSetRef ref, List<String> instanceIds, String call, Kind requested,
            ProvisioningState state) {
        return world.later(Duration.ZERO, () -> {
            ScaleSetSim s = set(ref);
            world.failIfInjected(call);
            List<SimVm> vms = find(s, instanceIds);
            for (SimVm vm : vms) {
                world.log(requested, vm.jobId, ref.name(), vm.instanceId, 0, "");
                touch(vm, call);
                world.gitHub().vmGone(vm);
                vm.generation++;
                vm.state = state;
            }
            return vms;
        });
    }

    /** How many instances the scale set holds now (any state). */
    public int instanceCount(String scaleSet) {
        ScaleSetSim s = scaleSets.get(scaleSet);
        return s == null ? 0 : s.vms.size();
    }

    /** A new instance, Creating until the capacity change that made it completes. */
    private SimVm create(ScaleSetSim s) {
        int id = s.nextId++;
        String name = s.spec.runnerNamePrefix() + base36(id);
        SimVm vm = new SimVm(s.spec.name(), Integer.toString(id), name, s.spec.labels());
        s.vms.put(id, vm);
        world.log(Kind.INSTANCE_CREATED, 0, vm.scaleSet, vm.instanceId, 0, name);
        losses.created(vm);
        return vm;
    }

    /** Boot finished: either failed, or a running VM whose cloud-init now fetches its runner configuration. */
    private void provisioned(SimVm vm) {
        if (vm.state == ProvisioningState.DELETING || !s(vm).vms.containsValue(vm)) {
            return;
        }
        if (world.random().nextDouble() < world.settings().provisioningFailureRate()) {
            vm.state = ProvisioningState.FAILED;
            world.log(Kind.INSTANCE_FAILED, 0, vm.scaleSet, vm.instanceId, 0, "provisioning failed");
            return;
        }
        vm.state = ProvisioningState.SUCCEEDED;
        world.log(Kind.INSTANCE_BOOTED, 0, vm.scaleSet, vm.instanceId, 0, vm.name);
        world.gitHub().cloudInit(vm);
    }

    /** Logs a call that hits a busy runner; one under an eviction notice is lost already, whatever the scaler does. */
    private void touch(SimVm vm, String what) {
        if (vm.jobId != 0 && !vm.evicting) {
            world.log(Kind.BUSY_INSTANCE_TOUCHED, vm.jobId, vm.scaleSet, vm.instanceId, 0, what);
        }
    }

    /**
     * Azure evicts this instance now (a Spot eviction, whatever the scale set's priority): notice,
     * then deletion. Call on the simulator's clock. False when no such running instance.
     */
    public boolean evict(String scaleSet, String instanceId) {
        return runningVm(scaleSet, instanceId).map(vm -> {
            losses.evict(vm);
            return true;
        }).orElse(false);
    }

    /** This instance dies now, without notice. Call on the simulator's clock. False when no such running instance. */
    public boolean kill(String scaleSet, String instanceId) {
        return runningVm(scaleSet, instanceId).map(vm -> {
            losses.kill(vm);
            return true;
        }).orElse(false);
    }

    private Optional<SimVm> runningVm(String scaleSet, String instanceId) {
        return Optional.ofNullable(scaleSets.get(scaleSet)).map(s -> s.vms.get(Integer.parseInt(instanceId)))
                .filter(vm -> vm.state == ProvisioningState.SUCCEEDED && !vm.evicting);
    }

    /** Whether the VM is still in its scale set (not deleted, evicted or killed). */
    boolean holds(SimVm vm) {
        ScaleSetSim s = s(vm);
        return s != null && s.vms.get(Integer.parseInt(vm.instanceId)) == vm;
    }

    /** The running VMs (provisioned, not going) of a scale set, by instance id. */
    List<SimVm> running(String scaleSet) {
        return scaleSets.get(scaleSet).vms.values().stream()
                .filter(vm -> vm.state == ProvisioningState.SUCCEEDED && !vm.evicting).toList();
    }

    /** The scale sets' names. */
    List<String> scaleSetNames() {
        return scaleSets.keySet().stream().sorted().toList();
    }

    /**
     * The VM is gone without the scaler asking (evicted at the end of its notice, or killed): it
     * leaves the listing, the scale set's capacity drops by one, and its runner dies with it.
     */
    void takeAway(SimVm vm, Kind kind) {
        if (!holds(vm)) {
            return;
        }
        s(vm).vms.remove(Integer.parseInt(vm.instanceId));
        long jobId = vm.jobId;
        vm.generation++; // stale timers of this VM, and its runner, end here
        vm.state = ProvisioningState.DELETING;
        world.log(kind, jobId, vm.scaleSet, vm.instanceId, 0, vm.name);
        world.gitHub().runnerDied(vm);
    }

    private List<SimVm> find(ScaleSetSim s, List<String> instanceIds) {
        List<SimVm> found = new ArrayList<>();
        for (String id : instanceIds) {
            SimVm vm = s.vms.get(Integer.parseInt(id));
            if (vm == null || vm.state == ProvisioningState.DELETING) {
                throw new SimulatedFailure("InvalidParameter: instance " + id + " is not in scale set " + s.spec.name());
            }
            found.add(vm);
        }
        return found;
    }

    private ScaleSetSim set(ScaleSetRef ref) {
        ScaleSetSim s = scaleSets.get(ref.name());
        if (s == null) {
            throw new SimulatedFailure("ResourceNotFound: scale set " + ref.name());
        }
        return s;
    }

    private ScaleSetSim s(SimVm vm) {
        return scaleSets.get(vm.scaleSet);
    }

    /**
     * Charges the call to its bucket when it is made (subscribed); a throttled call fails later on the
     * simulator's clock, like any answer, and {@code call} is then never made.
     */
    private <T> Uni<T> charged(ScaleSetRef ref, ArmBucket bucket, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(() -> {
            Optional<Duration> retryAfter = throttling.take(ref.name(), bucket, world.time().now());
            if (retryAfter.isPresent()) {
                return world.later(Duration.ZERO, () -> {
                    throw new SimulatedThrottled(ref.name(), bucket, retryAfter.get());
                });
            }
            return call.get();
        });
    }

    /** Azure's computer-name prefix: letters and digits of the pool name, at most 9. */
    static String base36(int id) {
        String digits = Integer.toString(id, 36);
        return "0".repeat(Math.max(0, 6 - digits.length())) + digits;
    }
}
