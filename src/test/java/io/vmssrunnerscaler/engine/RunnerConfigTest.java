package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.engine.PoolCommand.GrantRunnerConfig;
import io.vmssrunnerscaler.engine.PoolCommand.RejectRunnerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A runner's one-time configuration is handed out once per (re)image, to a provisioning instance only. */
class RunnerConfigTest {

    private static Scenario provisioning() {
        return Scenario.with(Pools.seed(), Pools.provisioning("0", T0));
    }

    @Test
    void grantsOnceForAProvisioningInstance() {
        Scenario s = provisioning().configRequested(name("0"));
        assertEquals(List.of(new GrantRunnerConfig(name("0"), "0")), s.commands(GrantRunnerConfig.class));
        assertEquals(Phase.IDLE, s.phase("0"));
        assertTrue(s.instance("0").configIssued());

        s.configRequested(name("0"));
        assertEquals(List.of(new RejectRunnerConfig(name("0"), ConfigRejection.ALREADY_CONFIGURED)),
                s.commands(RejectRunnerConfig.class));
        assertEquals(List.of(), s.commands(GrantRunnerConfig.class));
    }

    @Test
    void namesMatchWithoutRegardToCase() {
        Scenario s = provisioning().configRequested(name("0").toUpperCase());
        assertEquals(List.of(new GrantRunnerConfig(name("0"), "0")), s.commands(GrantRunnerConfig.class));
    }

    @Test
    void anUnknownInstanceIsRejectedAndTheScaleSetListed() {
        Scenario s = provisioning().configRequested(name("5"));
        assertEquals(List.of(new RejectRunnerConfig(name("5"), ConfigRejection.UNKNOWN_INSTANCE)),
                s.commands(RejectRunnerConfig.class));
        assertTrue(s.listRequested());

        s.configRequested(name("5"));
        assertEquals(List.of(new RejectRunnerConfig(name("5"), ConfigRejection.UNKNOWN_INSTANCE)),
                s.commands(RejectRunnerConfig.class));
        assertFalse(s.listRequested(), "the listing in flight will do");

        s.listed("0", "5").configRequested(name("5"));
        assertEquals(List.of(new GrantRunnerConfig(name("5"), "5")), s.commands(GrantRunnerConfig.class));
    }

    @Test
    void withAProofOnlyTheVmTheListingNamesGetsTheConfiguration() {
        Scenario s = Scenario.with(Pools.seed(), Pools.provisioning("0", T0).withVmId("vm-a"), Pools.provisioning("1", T0));
        s.on(new PoolEvent.RunnerConfigRequested(name("0"), "vm-b"));
        assertEquals(List.of(new RejectRunnerConfig(name("0"), ConfigRejection.WRONG_VM)), s.commands(RejectRunnerConfig.class));
        assertEquals(Phase.PROVISIONING, s.phase("0"));
        assertFalse(s.instance("0").configIssued(), "a sibling's try leaves the instance waiting for its own VM");

        s.on(new PoolEvent.RunnerConfigRequested(name("0"), "VM-A"));
        assertEquals(List.of(new GrantRunnerConfig(name("0"), "0")), s.commands(GrantRunnerConfig.class));

        s.on(new PoolEvent.RunnerConfigRequested(name("0"), "vm-b"));
        assertEquals(List.of(new RejectRunnerConfig(name("0"), ConfigRejection.WRONG_VM)), s.commands(RejectRunnerConfig.class),
                "another VM learns nothing of the instance's state, not even that it is configured");
    }

    @Test
    void aProofForAnInstanceWhoseVmIdIsNotListedYetWaitsForAListing() {
        Scenario s = Scenario.with(Pools.seed(), Pools.provisioning("1", T0));
        s.on(new PoolEvent.RunnerConfigRequested(name("1"), "vm-c"));
        assertEquals(List.of(new RejectRunnerConfig(name("1"), ConfigRejection.VM_ID_NOT_LISTED)), s.commands(RejectRunnerConfig.class));
        assertTrue(s.listRequested());

        s.listedWith(new ObservedInstance("1", name("1"), ObservedInstance.ProvisioningState.SUCCEEDED,
                ObservedInstance.PowerState.RUNNING, "vm-c"));
        assertEquals("vm-c", s.instance("1").vmId());
        s.on(new PoolEvent.RunnerConfigRequested(name("1"), "vm-c"));
        assertEquals(List.of(new GrantRunnerConfig(name("1"), "1")), s.commands(GrantRunnerConfig.class));
    }

    @Test
    void aDeletedInstancesVmIdOpensNoOtherInstance() {
        Scenario s = Scenario.with(Pools.seed(), Pools.provisioning("0", T0).withVmId("vm-a"), Pools.provisioning("1", T0).withVmId("vm-b"));
        s.refresh().listedWith(new ObservedInstance("1", name("1"), ObservedInstance.ProvisioningState.SUCCEEDED,
                ObservedInstance.PowerState.RUNNING, "vm-b"));
        assertTrue(s.state().byName(name("0")).isEmpty(), "instance 0 is gone");
        s.on(new PoolEvent.RunnerConfigRequested(name("1"), "vm-a"));
        assertEquals(List.of(new RejectRunnerConfig(name("1"), ConfigRejection.WRONG_VM)), s.commands(RejectRunnerConfig.class));
        s.on(new PoolEvent.RunnerConfigRequested(name("0"), "vm-a"));
        assertEquals(List.of(new RejectRunnerConfig(name("0"), ConfigRejection.UNKNOWN_INSTANCE)), s.commands(RejectRunnerConfig.class));
    }

    static Stream<Arguments> rejections() {
        return Arrays.stream(Phase.values()).flatMap(phase -> Stream.of(true, false)
                .filter(issued -> issued || phase != Phase.PROVISIONING)
                .map(issued -> Arguments.of(phase, issued,
                        issued ? ConfigRejection.ALREADY_CONFIGURED : ConfigRejection.NOT_PROVISIONING)));
    }

    @ParameterizedTest(name = "{0}, config issued {1} -> {2}")
    @MethodSource("rejections")
    void rejectsOutsideAFreshProvisioningInstance(Phase phase, boolean issued, ConfigRejection reason) {
        Instance instance = new Instance("0", name("0"), phase, T0, issued, phase.isBusy() ? 7 : 0, phase.isBusy(), false);
        Scenario s = Scenario.with(Pools.seed(), instance).configRequested(name("0"));
        assertEquals(List.of(new RejectRunnerConfig(name("0"), reason)), s.commands(RejectRunnerConfig.class));
        assertEquals(List.of(), s.commands(GrantRunnerConfig.class));
    }

    @Test
    void aFailedHandOutLetsTheInstanceAskAgain() {
        Scenario s = provisioning().configRequested(name("0")).configFailed(name("0"));
        assertEquals(Phase.PROVISIONING, s.phase("0"));
        assertFalse(s.instance("0").configIssued());

        s.configRequested(name("0"));
        assertEquals(List.of(new GrantRunnerConfig(name("0"), "0")), s.commands(GrantRunnerConfig.class));
        assertEquals(Phase.IDLE, s.phase("0"));
    }

    @ParameterizedTest(name = "config failed while {0}: nothing changes")
    @EnumSource(value = Phase.class, names = {"PROVISIONING", "BUSY", "FINISHING", "REIMAGING", "DELETING"})
    void aFailedHandOutOutsideIdleChangesNothing(Phase phase) {
        Instance instance = Pools.instance("0", phase, T0, phase.isBusy() ? 7 : 0);
        Scenario s = Scenario.with(Pools.seed(), instance).configFailed(name("0"));
        assertEquals(instance, s.instance("0"));
    }

    @Test
    void aFailedHandOutAfterTheRunnerStartedAJobChangesNothing() {
        Scenario s = provisioning().configRequested(name("0")).runnerStarted(name("0")).configFailed(name("0"));
        assertEquals(Phase.BUSY, s.phase("0"));
    }

    @Test
    void aFailedHandOutForAnUnknownRunnerChangesNothing() {
        Scenario s = provisioning().configFailed(name("9"));
        assertEquals(List.of(), s.commands());
    }
}
