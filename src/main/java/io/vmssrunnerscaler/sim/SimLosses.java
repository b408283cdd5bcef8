package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.sim.SimEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Capacity the simulated Azure takes away ({@link SimSettings.Losses}): Spot evictions at a rate
 * per instance-hour and in a storm, each announced to the scaler by the VM's watcher of scheduled
 * events and carried out when the notice ends; and VMs of any scale set that die without notice.
 * Each VM draws its own exponential time to eviction and to death when it is created (the rates are
 * per instance-hour, so memoryless); a VM that is not running when its time comes draws again.
 * Draws come from a random source of their own, so that a world with losses makes every other
 * choice as the same world without them. Touched only on the simulator's thread.
 */
final class SimLosses {
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final SimWorld world;
    private final SimulatedAzure azure;
    private final SimSettings.Losses settings;
    private final Random random;

    SimLosses(SimWorld world, SimulatedAzure azure) {
        this.world = world;
        this.azure = azure;
        this.settings = world.settings().losses();
        this.random = new Random(world.settings().seed() * 31 + 17);
        if (settings.stormFraction() > 0) {
            settings.stormAt().ifPresent(at -> world.time().schedule(at, this::storm));
        }
    }

    /** A new instance: its times to eviction (Spot scale sets only) and to death are drawn. */
    void created(SimVm vm) {
        if (settings.evictionsPerHour() > 0 && settings.spot(vm.scaleSet)) {
            after(settings.evictionsPerHour(), vm, this::evict);
        }
        if (settings.killsPerHour() > 0) {
            after(settings.killsPerHour(), vm, this::kill);
        }
    }

    private void after(double perHour, SimVm vm, java.util.function.Consumer<SimVm> loss) {
        long millis = (long) (-Math.log(1 - random.nextDouble()) / perHour * MILLIS_PER_HOUR);
        world.time().schedule(Duration.ofMillis(millis), () -> {
            if (!azure.holds(vm) || vm.evicting) {
                return; // gone already, or going
            }
            if (!azure.running(vm.scaleSet).contains(vm)) {
                after(perHour, vm, loss); // booting or re-imaging now; memoryless, so draw again
                return;
            }
            loss.accept(vm);
        });
    }

    /** Evicts this share of every Spot scale set's running VMs at once. */
    private void storm() {
        for (String scaleSet : azure.scaleSetNames()) {
            if (!settings.spot(scaleSet)) {
                continue;
            }
            List<SimVm> running = new ArrayList<>(azure.running(scaleSet));
            Collections.shuffle(running, random);
            int count = (int) Math.round(running.size() * settings.stormFraction());
            running.subList(0, count).forEach(this::evict);
        }
    }

    /**
     * Azure schedules a {@code Preempt}: the VM's watcher tells the scaler at once, and when the
     * notice ends Azure deletes the VM (the Delete eviction policy).
     */
    void evict(SimVm vm) {
        vm.evicting = true;
        world.log(Kind.EVICTION_NOTICE, vm.jobId, vm.scaleSet, vm.instanceId, 0, vm.name);
        world.endpoints().evicted(vm.name, EvictionKind.PREEMPT, world.time().now().plus(settings.evictionNotice()));
        world.time().schedule(settings.evictionNotice(), () -> azure.takeAway(vm, Kind.INSTANCE_EVICTED));
    }

    void kill(SimVm vm) {
        azure.takeAway(vm, Kind.INSTANCE_KILLED);
    }
}
