package io.vmssrunnerscaler.engine;

import static io.vmssrunnerscaler.engine.Pools.BOOT;
import static io.vmssrunnerscaler.engine.Pools.T0;
import static io.vmssrunnerscaler.engine.Pools.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Instances stuck booting or failed are replaced; failed calls back off. */
class ReplaceTest {

    @ParameterizedTest(name = "min {0}: stuck provisioning -> {1}")
    @CsvSource({
        "1, REIMAGE",
        "0, DELETE",
    })
    void anInstanceStuckProvisioningIsDrainedThenRecycledAfterTheBootTimeout(int min, Operation.Kind expected) {
        PoolSpec spec = Pools.spec().min(min).max(1).free(0).build();
        Scenario s = Scenario.with(spec, Pools.provisioning("0", T0)).tickAt(BOOT.minusMillis(1));
        assertEquals(List.of(), s.reimaged());
        assertEquals(List.of(), s.deleted());
        assertEquals(List.of(), s.drained());

        s.tickAt(BOOT);
        assertEquals(List.of("0"), s.drained(), "after a restart it may be a runner configured before: GitHub says first");
        assertTrue(s.reimaged().isEmpty() && s.deleted().isEmpty());

        s.removed(name("0"));
        assertEquals(expected == Operation.Kind.REIMAGE ? List.of("0") : List.of(), s.reimaged());
        assertEquals(expected == Operation.Kind.DELETE ? List.of("0") : List.of(), s.deleted());
    }

    @Test
    void theBootTimeoutRestartsWithEachReimage() {
        PoolSpec spec = Pools.spec().min(1).max(1).free(0).build();
        Scenario s = Scenario.with(spec, Pools.provisioning("0", T0)).tickAt(BOOT).removed(name("0"));
        assertEquals(List.of("0"), s.reimaged());
        s.at(BOOT.plusMinutes(1)).succeed(Operation.Kind.REIMAGE);
        s.tickAt(BOOT.multipliedBy(2));
        assertEquals(List.of(), s.drained());
        s.tickAt(BOOT.multipliedBy(2).plusMinutes(1));
        assertEquals(List.of("0"), s.drained());
    }

    @Test
    void aStuckInstanceWhoseRunnerGitHubWillNotRemoveIsKeptAndAskedAgainAfterAnotherBootTimeout() {
        // After a restart: the previous process configured it, and GitHub has just handed it a job.
        PoolSpec spec = Pools.spec().min(1).max(1).free(0).build();
        Scenario s = Scenario.with(spec, Pools.provisioning("0", T0)).tickAt(BOOT).removalRefused(name("0"));
        assertEquals(Phase.PROVISIONING, s.phase("0"), "back to waiting: its configuration was never handed out here");
        assertTrue(s.reimaged().isEmpty() && s.deleted().isEmpty());

        s.runnerStarted(name("0"));
        assertEquals(Phase.BUSY, s.phase("0"));
        s.tickAt(BOOT.multipliedBy(3));
        assertEquals(Phase.BUSY, s.phase("0"));
        assertTrue(s.drained().isEmpty() && s.reimaged().isEmpty() && s.deleted().isEmpty());
    }

    @Test
    void anInstanceThatAsksForItsConfigurationInTimeIsKept() {
        Scenario s = Scenario.with(Pools.seed(), Pools.provisioning("0", T0))
                .at(BOOT.minusSeconds(1)).configRequested(name("0"))
                .tickAt(BOOT.plusMinutes(1));
        assertEquals(Phase.IDLE, s.phase("0"));
        assertTrue(s.reimaged().isEmpty() && s.deleted().isEmpty());
    }

    @Test
    void anInstanceAzureReportsFailedIsDeletedThenReplaced() {
        PoolSpec spec = Pools.spec().min(2).max(4).free(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0), Pools.idle("1", T0)).refresh();
        s.listedWith(Pools.ok("0"), Pools.failed("1"));
        assertEquals(List.of("1"), s.deleted());
        assertEquals(Optional.empty(), s.capacity(), "first the delete");

        s.succeed(Operation.Kind.DELETE);
        assertEquals(Optional.of(2), s.capacity(), "then the replacement");
    }

    @Test
    void aNewInstanceListedAsFailedIsDeleted() {
        Scenario s = Scenario.empty(Pools.spec().min(0).build()).refresh().listedWith(Pools.failed("5"));
        assertEquals(List.of("5"), s.deleted());
        assertEquals(Phase.DELETING, s.phase("5"));
    }

    @ParameterizedTest(name = "a busy instance ({0}) reported failed is left alone")
    @EnumSource(value = Phase.class, names = {"BUSY", "FINISHING"})
    void aBusyInstanceReportedFailedKeepsRunning(Phase phase) {
        Scenario s = Scenario.with(Pools.seed(), Pools.instance("0", phase, T0, 7)).refresh()
                .listedWith(Pools.failed("0"));
        assertEquals(phase, s.phase("0"));
        assertTrue(s.deleted().isEmpty() && s.reimaged().isEmpty());
    }

    @Test
    void aFailedReimageIsDeletedAfterTheBackOff() {
        PoolSpec spec = Pools.spec().min(1).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7)).completed(7, name("0"));
        assertEquals(List.of("0"), s.reimaged());

        s.at(Duration.ofMinutes(1)).fail(Operation.Kind.REIMAGE);
        assertEquals(Phase.FAILED, s.phase("0"));
        assertEquals(s.now().plusSeconds(5), s.state().backoffUntil());
        assertEquals(List.of(), s.deleted());

        s.tickAt(Duration.ofMinutes(1).plusSeconds(4));
        assertEquals(List.of(), s.deleted());
        s.tickAt(Duration.ofMinutes(1).plusSeconds(5));
        assertEquals(List.of("0"), s.deleted());

        s.succeed(Operation.Kind.DELETE);
        assertEquals(Optional.of(1), s.capacity(), "replaced for min 1");
    }

    @Test
    void aFailedDeleteIsTriedAgainAfterTheBackOff() {
        PoolSpec spec = Pools.spec().min(0).build();
        Scenario s = Scenario.with(spec, Pools.idle("0", T0.minus(Duration.ofHours(1)))).tick();
        assertEquals(List.of("0"), s.drained());
        s.removed(name("0"));
        assertEquals(List.of("0"), s.deleted());
        s.fail(Operation.Kind.DELETE);
        assertEquals(Phase.FAILED, s.phase("0"));
        s.tickAt(Duration.ofSeconds(5));
        assertEquals(List.of("0"), s.deleted());
        s.fail(Operation.Kind.DELETE);
        s.tickAt(Duration.ofSeconds(14));
        assertEquals(List.of(), s.deleted(), "second failure: ten seconds");
        s.tickAt(Duration.ofSeconds(15));
        assertEquals(List.of("0"), s.deleted());
        s.succeed(Operation.Kind.DELETE);
        assertTrue(s.state().instances().isEmpty());
        assertEquals(0, s.state().consecutiveFailures());
    }

    @Test
    void noCapacityChangeDuringTheBackOff() {
        PoolSpec spec = Pools.spec().min(0).max(10).free(0).build();
        Scenario s = Scenario.with(spec, Pools.busy("0", 7)).completed(7, name("0"));
        s.fail(Operation.Kind.DELETE);
        s.queued(1, 2, 3);
        assertEquals(Optional.empty(), s.capacity());
        s.tickAt(Duration.ofSeconds(5));
        assertEquals(List.of("0"), s.deleted(), "the failed instance goes first");
        assertEquals(Optional.empty(), s.capacity());
        s.succeed(Operation.Kind.DELETE);
        assertEquals(Optional.of(3), s.capacity());
    }
}
