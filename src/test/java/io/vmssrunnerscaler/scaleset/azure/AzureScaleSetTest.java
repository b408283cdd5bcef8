package io.vmssrunnerscaler.scaleset.azure;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.ObservedInstance.PowerState;
import io.vmssrunnerscaler.engine.ObservedInstance.ProvisioningState;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Route;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Write;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeBucket;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The adapter's calls against the local ARM fake: what is sent, how often, and what comes back. */
class AzureScaleSetTest {
    private static final Duration AWAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    private ArmFixture f;

    @Test
    void buildsNothingAndCallsNothingUntilTheFirstCall() {
        f = ARM.start(FakeArmOptions.defaults(), 1);
        assertFalse(f.scaleSet.clientsBuilt());
        assertEquals(0, f.arm.counters().requests());

        f.scaleSet.list(f.ref).await().atMost(AWAIT);

        assertTrue(f.scaleSet.clientsBuilt());
        assertEquals(java.util.Set.of("https://management.core.windows.net//.default"), java.util.Set.copyOf(f.credential.scopes()));
    }

    @Test
    void listsEveryPageWithInstanceViewAndComputerNames() {
        f = ARM.start(FakeArmOptions.defaults().withPageSize(2), 5);

        List<ObservedInstance> instances = f.scaleSet.list(f.ref).await().atMost(AWAIT);

        assertEquals(List.of("0", "1", "2", "3", "4"), instances.stream().map(ObservedInstance::instanceId).toList());
        assertEquals(List.of("linux000000", "linux000001", "linux000002", "linux000003", "linux000004"),
                instances.stream().map(ObservedInstance::name).toList());
        assertEquals(java.util.Set.of(ProvisioningState.SUCCEEDED), states(instances));
        assertEquals(3, f.arm.counters().requests(Route.LIST_INSTANCES), "pages of 2: three requests via nextLink");
        assertEquals(3, f.arm.counters().instanceViewPages(), "every page asked with $expand=instanceView");
        assertEquals(3, f.arm.counters().calls(FakeBucket.HIGH_COST_GET));
    }

    @Test
    void mapsProvisioningStates() {
        f = ARM.start(FakeArmOptions.defaults(), 5);
        f.fakeSet.setProvisioningState("0", "Creating");
        f.fakeSet.setProvisioningState("1", "Failed");
        f.fakeSet.setProvisioningState("2", "Updating");
        f.fakeSet.setProvisioningState("3", "Deleting");

        List<ObservedInstance> instances = f.scaleSet.list(f.ref).await().atMost(AWAIT);

        assertEquals(List.of(ProvisioningState.CREATING, ProvisioningState.FAILED, ProvisioningState.UPDATING,
                ProvisioningState.DELETING, ProvisioningState.SUCCEEDED), instances.stream().map(ObservedInstance::state).toList());
    }

    @Test
    void mapsPowerStatesFromTheInstanceView() {
        f = ARM.start(FakeArmOptions.defaults(), 6);
        f.fakeSet.powerOff("0", "stopping");
        f.fakeSet.powerOff("1", "stopped");
        f.fakeSet.powerOff("2", "deallocating");
        f.fakeSet.powerOff("3", "deallocated");
        f.fakeSet.powerOff("4", "starting");

        List<ObservedInstance> instances = f.scaleSet.list(f.ref).await().atMost(AWAIT);

        assertEquals(List.of(PowerState.STOPPING, PowerState.STOPPED, PowerState.DEALLOCATING, PowerState.DEALLOCATED,
                PowerState.STARTING, PowerState.RUNNING), instances.stream().map(ObservedInstance::power).toList());
        assertEquals(java.util.Set.of(ProvisioningState.SUCCEEDED), states(instances), "a stopped VM is still provisioned");
    }

    @Test
    void raisesCapacityWithOnePatchAndCompletesWhenTheOperationIsDone() {
        Duration provisioning = Duration.ofMillis(400);
        f = ARM.start(FakeArmOptions.defaults().withDelays(provisioning, Duration.ofMillis(100)), 1);
        long start = System.nanoTime();

        f.scaleSet.setCapacity(f.ref, 3).await().atMost(AWAIT);

        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(provisioning));
        assertEquals(List.of(new Write(Route.PATCH_SCALE_SET, ArmFixture.NAME, 3, null)), f.arm.counters().writes());
        assertEquals(java.util.Set.of("Succeeded"), fakeStates(f.fakeSet));
        assertEquals(List.of("linux000000", "linux000001", "linux000002"),
                f.fakeSet.instances().stream().map(FakeScaleSet.Instance::computerName).toList());
        assertThat(f.arm.counters().requests(Route.OPERATION_STATUS), greaterThanOrEqualTo(2));
    }

    @Test
    void newInstancesAreListedCreatingWithoutPowerStateWhileTheCapacityChangeRuns() {
        f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofSeconds(5), Duration.ofMillis(100)), 1);
        var patch = f.scaleSet.setCapacity(f.ref, 3).subscribeAsCompletionStage();

        org.awaitility.Awaitility.await().atMost(AWAIT).until(() -> f.arm.counters().requests(Route.PATCH_SCALE_SET) == 1);
        List<ObservedInstance> during = f.scaleSet.list(f.ref).await().atMost(AWAIT);

        assertFalse(patch.isDone(), "listed while the operation runs");
        List<String> vmIds = f.fakeSet.instances().stream().map(i -> i.vmId()).toList(); // properties.vmId, mapped too
        assertEquals(List.of(new ObservedInstance("0", "linux000000", ProvisioningState.SUCCEEDED, PowerState.RUNNING, vmIds.get(0)),
                new ObservedInstance("1", "linux000001", ProvisioningState.CREATING, PowerState.UNKNOWN, vmIds.get(1)),
                new ObservedInstance("2", "linux000002", ProvisioningState.CREATING, PowerState.UNKNOWN, vmIds.get(2))), during);
        assertEquals(3, f.fakeSet.capacity(), "capacity and listing agree: the new instances are the capacity asked for");

        patch.toCompletableFuture().join();
        assertEquals(List.of(PowerState.RUNNING, PowerState.RUNNING, PowerState.RUNNING),
                f.scaleSet.list(f.ref).await().atMost(AWAIT).stream().map(ObservedInstance::power).toList());
        assertEquals(java.util.Set.of("Succeeded"), fakeStates(f.fakeSet));
    }

    @Test
    void aLargerPatchWhileOneRunsIsSentOnlyOnceAzureAcceptedTheFirst() {
        f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofSeconds(5), Duration.ofMillis(100)), 1);
        f.arm.faults().delayNext(1, Duration.ofSeconds(2)); // the first PATCH's acceptance comes late
        var first = f.scaleSet.setCapacity(f.ref, 3).subscribeAsCompletionStage();
        var second = f.scaleSet.setCapacity(f.ref, 5).subscribeAsCompletionStage();

        org.awaitility.Awaitility.await().atMost(AWAIT).until(() -> f.arm.counters().requests(Route.PATCH_SCALE_SET) == 1);
        org.awaitility.Awaitility.await().during(Duration.ofMillis(1500)).atMost(AWAIT)
                .until(() -> f.arm.counters().requests(Route.PATCH_SCALE_SET) == 1);
        org.awaitility.Awaitility.await().atMost(AWAIT).until(() -> f.arm.counters().requests(Route.PATCH_SCALE_SET) == 2);
        assertFalse(first.toCompletableFuture().isDone(), "the second went while the first still ran");

        second.toCompletableFuture().join();
        assertEquals(List.of(3, 5), f.arm.counters().writes().stream().map(Write::capacity).toList(), "in the order asked");
        assertEquals(5, f.fakeSet.capacity());
        first.toCompletableFuture().join();
    }

    @Test
    void reimagesManyInstancesInOneCall() {
        f = ARM.start(FakeArmOptions.defaults(), 4);

        f.scaleSet.reimage(f.ref, List.of("0", "2", "3")).await().atMost(AWAIT);

        assertEquals(List.of(new Write(Route.REIMAGE, ArmFixture.NAME, null, List.of("0", "2", "3"))), f.arm.counters().writes());
        assertEquals(1, f.arm.counters().requests(Route.REIMAGE));
        assertEquals(java.util.Set.of("Succeeded"), fakeStates(f.fakeSet));
    }

    @Test
    void deletesManyInstancesInOneCall() {
        f = ARM.start(FakeArmOptions.defaults(), 4);

        f.scaleSet.delete(f.ref, List.of("1", "2")).await().atMost(AWAIT);

        assertEquals(List.of(new Write(Route.DELETE_INSTANCES, ArmFixture.NAME, null, List.of("1", "2"))), f.arm.counters().writes());
        assertEquals(1, f.arm.counters().requests(Route.DELETE_INSTANCES));
        assertEquals(List.of("0", "3"), f.fakeSet.instances().stream().map(FakeScaleSet.Instance::instanceId).toList());
        assertEquals(2, f.fakeSet.capacity());
    }

    @Test
    void emptyBatchesSendNothingBecauseAnEmptyReimageMeansAllInstances() {
        f = ARM.start(FakeArmOptions.defaults(), 2);

        f.scaleSet.reimage(f.ref, List.of()).await().atMost(AWAIT);
        f.scaleSet.delete(f.ref, List.of()).await().atMost(AWAIT);

        assertEquals(0, f.arm.counters().requests());
    }

    @Test
    void pollsTheOperationAtTheConfiguredIntervalNotTheSdkDefault() {
        Duration operation = Duration.ofMillis(600);
        f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(100), operation), 2,
                s -> s.withPollInterval(Duration.ofMillis(50)));
        long start = System.nanoTime();

        f.scaleSet.reimage(f.ref, List.of("0")).await().atMost(AWAIT);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took, allOf(greaterThanOrEqualTo(operation), lessThan(Duration.ofSeconds(5))));
        assertThat(f.arm.counters().requests(Route.OPERATION_STATUS), allOf(greaterThanOrEqualTo(2), lessThanOrEqualTo(30)));
    }

    @Test
    void aRetryAfterOnTheOperationWinsOverThePollInterval() {
        f = ARM.start(FakeArmOptions.defaults().withDelays(Duration.ofMillis(100), Duration.ofMillis(300))
                .withLroRetryAfter(Duration.ofSeconds(1)), 2);
        long start = System.nanoTime();

        f.scaleSet.delete(f.ref, List.of("1")).await().atMost(AWAIT);

        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(f.arm.counters().requests(Route.OPERATION_STATUS), lessThanOrEqualTo(3));
    }

    @Test
    void aFailedOperationIsTranslatedWithItsErrorCode() {
        f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().failOperations("InternalExecutionError");

        var e = assertThrows(ScaleSetException.Transient.class,
                () -> f.scaleSet.reimage(f.ref, List.of("0")).await().atMost(AWAIT));

        assertEquals("InternalExecutionError", e.details().code());
        assertNotNull(e.correlationId());
        assertThat(e.getMessage(), allOf(containsString("re-image 1 instances"), containsString(ArmFixture.NAME),
                containsString(e.correlationId())));
    }

    @Test
    void scaleSetsInOtherSubscriptionsGetTheirOwnClient() {
        f = ARM.start(FakeArmOptions.defaults(), 1);
        f.arm.addScaleSet("other-subscription", "rg", "vmss2", "other", 2);

        var other = new io.vmssrunnerscaler.scaleset.ScaleSetRef("other-subscription", "rg", "vmss2");
        assertEquals(2, f.scaleSet.list(other).await().atMost(AWAIT).size());
        assertEquals(1, f.scaleSet.list(f.ref).await().atMost(AWAIT).size());
    }

    private static java.util.Set<ProvisioningState> states(List<ObservedInstance> instances) {
        return instances.stream().map(ObservedInstance::state).collect(java.util.stream.Collectors.toSet());
    }

    private static java.util.Set<String> fakeStates(FakeScaleSet set) {
        return set.instances().stream().map(FakeScaleSet.Instance::provisioningState).collect(java.util.stream.Collectors.toSet());
    }
}
