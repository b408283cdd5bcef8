package io.vmssrunnerscaler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A capacity raise as Azure runs it: the new instances are listed at once, Creating, while the
 * operation runs, and are Succeeded (and boot their runner) when it completes.
 */
class SimCapacityChangeTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    private final VirtualTimeSource time = new VirtualTimeSource(T0);
    private final Pool pool = VirtualRunTest.pool("linux", 0, 5, 0, "linux");
    private final SimSettings settings = VirtualRunTest.settings(0); // capacity 5 s, provisioning 90 s
    private final SimWorld world = new SimWorld(time, settings, SimulatorWiring.scaleSets(List.of(pool)));
    private final List<String> configRequests = new ArrayList<>();
    private final ScaleSetRef ref = pool.scaleSet();

    @Test
    void newInstancesAreListedCreatingUntilTheCapacityChangeCompletes() {
        world.connect(new RecordingScaler());
        AtomicBoolean done = new AtomicBoolean();
        world.azure().setCapacity(ref, 3).subscribe().with(ok -> done.set(true));

        time.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(ProvisioningState.CREATING, ProvisioningState.CREATING, ProvisioningState.CREATING),
                states(list()), "listed at once, as Azure lists them while the PATCH runs");
        assertFalse(done.get());

        Duration operation = settings.capacityDelay().plus(settings.provisioningDelay());
        time.runUntil(T0.plus(operation).minusMillis(1));
        assertEquals(List.of(ProvisioningState.CREATING, ProvisioningState.CREATING, ProvisioningState.CREATING),
                states(list()));
        assertFalse(done.get());
        assertTrue(configRequests.isEmpty(), "no VM boots before its provisioning is over");

        time.runUntil(T0.plus(operation));
        assertTrue(done.get(), "the operation completes when its instances are provisioned");
        assertEquals(List.of(ProvisioningState.SUCCEEDED, ProvisioningState.SUCCEEDED, ProvisioningState.SUCCEEDED),
                states(list()));
        assertEquals(3, configRequests.size(), "then each runner asks for its configuration");
    }

    @Test
    void aRaiseDuringARaiseCreatesOnlyWhatIsMissing() {
        world.connect(new RecordingScaler());
        world.azure().setCapacity(ref, 2).subscribe().with(ok -> { });
        time.runFor(Duration.ofSeconds(1));
        world.azure().setCapacity(ref, 3).subscribe().with(ok -> { });
        time.runFor(Duration.ofSeconds(1));

        assertEquals(List.of("0", "1", "2"), list().stream().map(ObservedInstance::instanceId).toList(),
                "the instances still being created count towards the capacity");
    }

    private List<ObservedInstance> list() {
        List<List<ObservedInstance>> out = new ArrayList<>();
        world.azure().list(ref).subscribe().with(out::add);
        time.runFor(Duration.ZERO);
        return out.get(0);
    }

    private static List<ProvisioningState> states(List<ObservedInstance> instances) {
        return instances.stream().map(ObservedInstance::state).toList();
    }

    /** The scaler's endpoints as a booted VM reaches them: records configuration requests, grants none. */
    private final class RecordingScaler implements ScalerEndpoints {
        @Override
        public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
            return Uni.createFrom().item(200);
        }

        @Override
        public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
            configRequests.add(runnerName);
            return Uni.createFrom().item(Optional.empty());
        }

        @Override
        public void jobStarted(String runnerName) {
        }

        @Override
        public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
        }

        @Override
        public void jobCompleted(String runnerName) {
        }
    }
}
