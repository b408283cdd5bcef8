package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.busy.StoredMarkers;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.engine.SealedTypes;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.github.HookDelivery;
import io.vmssrunnerscaler.github.JobInfo;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunInfo;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerInfo;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.github.WebhookRef;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@link PoolCommand} reaches its port, or is knowingly left to the caller of
 * {@code ask}. A new kind of command fails here until it has a sample below, and in the loop until
 * it has a port: Java 17 checks neither.
 */
class PoolLoopCommandsTest {
    private static final Instant START = Instant.parse("2026-02-02T08:00:00Z");

    private final VirtualTimeSource time = new VirtualTimeSource(START);
    private final Pool pool = new Pool(new PoolSpec("linux", Set.of("linux"), 0, 3, 0, AfterJob.DELETE,
            Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(3)),
            RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
    /** What reached a port, in order. */
    private final List<String> reached = new ArrayList<>();
    private final PoolLoop loop = new PoolLoop(pool, new ShellContext(time, new Azure(), new Store(), new GitHub(),
            Duration.ofSeconds(2), 1000, false), PoolListener.NONE, lost -> reached.add("lost " + lost.jobId() + " "
                    + lost.runnerName() + " " + lost.reason()));

    /** A command and the port calls it should lead to. */
    private record Sample(PoolCommand command, List<String> calls) {}

    private static Operation op(long id, Operation.Kind kind, List<String> instanceIds, int capacity) {
        return new Operation(id, kind, instanceIds, capacity, START);
    }

    /** One sample per kind of command; fails for a kind it does not know. */
    private static Sample sample(Class<?> type) {
        if (type == PoolCommand.SetCapacity.class) {
            return new Sample(new PoolCommand.SetCapacity(op(1, Operation.Kind.SET_CAPACITY, List.of(), 3)),
                    List.of("setCapacity 3"));
        } else if (type == PoolCommand.ReimageInstances.class) {
            return new Sample(new PoolCommand.ReimageInstances(op(2, Operation.Kind.REIMAGE, List.of("1"), 0)),
                    List.of("reimage [1]"));
        } else if (type == PoolCommand.DeleteInstances.class) {
            return new Sample(new PoolCommand.DeleteInstances(op(3, Operation.Kind.DELETE, List.of("2"), 0)),
                    List.of("delete [2]"));
        } else if (type == PoolCommand.ListInstances.class) {
            return new Sample(new PoolCommand.ListInstances(op(4, Operation.Kind.LIST, List.of(), 0)), List.of("list"));
        } else if (type == PoolCommand.MarkBusy.class) {
            return new Sample(new PoolCommand.MarkBusy("linux-vmss-1", "1", 7, START), List.of("markBusy linux-vmss-1 job 7"));
        } else if (type == PoolCommand.ClearBusy.class) {
            return new Sample(new PoolCommand.ClearBusy("linux-vmss-1"), List.of("clearBusy linux-vmss-1"));
        } else if (type == PoolCommand.RememberQueued.class) {
            return new Sample(new PoolCommand.RememberQueued(7, "octo-org/app", START), List.of("markQueued 7"));
        } else if (type == PoolCommand.ForgetQueued.class) {
            return new Sample(new PoolCommand.ForgetQueued(7), List.of("clearQueued 7"));
        } else if (type == PoolCommand.RemoveStaleRunner.class) {
            return new Sample(new PoolCommand.RemoveStaleRunner("linux-vmss-9"), List.of("removeRunner linux-vmss-9"));
        } else if (type == PoolCommand.RemoveRunner.class) {
            return new Sample(new PoolCommand.RemoveRunner("linux-vmss-1", 5), List.of("removeRunner linux-vmss-1"));
        } else if (type == PoolCommand.JobLost.class) {
            return new Sample(new PoolCommand.JobLost(7, "octo-org/app", "linux-vmss-1", PoolCommand.LostReason.EVICTED),
                    List.of("lost 7 linux-vmss-1 EVICTED"));
        } else if (type == PoolCommand.GrantRunnerConfig.class) {
            // Read from the decision by the caller of ask(), who hands out the configuration.
            return new Sample(new PoolCommand.GrantRunnerConfig("linux-vmss-1", "1"), List.of());
        } else if (type == PoolCommand.RejectRunnerConfig.class) {
            return new Sample(new PoolCommand.RejectRunnerConfig("linux-vmss-1",
                    PoolCommand.ConfigRejection.UNKNOWN_INSTANCE), List.of());
        }
        throw new AssertionError("no sample of " + type.getName() + ": add one to PoolLoopCommandsTest and a case to PoolLoop.execute");
    }

    static Stream<Class<?>> commandTypes() {
        return SealedTypes.leaves(PoolCommand.class).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandTypes")
    void everyKindOfCommandIsExecuted(Class<?> type) {
        Sample sample = sample(type);
        assertEquals(type, sample.command().getClass());

        assertDoesNotThrow(() -> loop.execute(sample.command()));
        time.runFor(Duration.ofSeconds(10)); // past the batch window that holds re-images and deletes

        assertEquals(sample.calls(), reached);
    }

    private final class Azure implements ScaleSetPort {
        @Override
        public Uni<List<ObservedInstance>> list(ScaleSetRef scaleSet) {
            reached.add("list");
            return Uni.createFrom().item(List.of());
        }

        @Override
        public Uni<Void> setCapacity(ScaleSetRef scaleSet, int capacity) {
            reached.add("setCapacity " + capacity);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> reimage(ScaleSetRef scaleSet, List<String> instanceIds) {
            reached.add("reimage " + instanceIds);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> delete(ScaleSetRef scaleSet, List<String> instanceIds) {
            reached.add("delete " + instanceIds);
            return Uni.createFrom().voidItem();
        }
    }

    private final class Store implements BusyStore {
        @Override
        public Uni<Void> markBusy(BusyMarker marker) {
            reached.add("markBusy " + marker.runnerName() + " job " + marker.jobId());
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> clearBusy(String pool, String runnerName) {
            reached.add("clearBusy " + runnerName);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> markQueued(QueuedMarker marker) {
            reached.add("markQueued " + marker.jobId());
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> clearQueued(String pool, long jobId) {
            reached.add("clearQueued " + jobId);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> markLost(LostMarker marker) {
            reached.add("markLost " + marker.subject());
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> clearLost(String pool, String subject) {
            reached.add("clearLost " + subject);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<StoredMarkers> loadAll() {
            return Uni.createFrom().item(StoredMarkers.of(List.of()));
        }
    }

    /** Only runner removals are commands; anything else reaching GitHub is a mistake. */
    private final class GitHub implements GitHubPort {
        @Override
        public Uni<Void> removeRunner(RunnerScope scope, String runnerName) {
            reached.add("removeRunner " + runnerName);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<RunnerConfig> createRunnerConfig(RunnerScope scope, String runnerName, Set<String> labels, String runnerGroup) {
            return unexpected("createRunnerConfig");
        }

        @Override
        public Uni<RegistrationToken> createRegistrationToken(RunnerScope scope) {
            return unexpected("createRegistrationToken");
        }

        @Override
        public Uni<List<RunnerInfo>> listRunners(RunnerScope scope) {
            return unexpected("listRunners");
        }

        @Override
        public Uni<Optional<JobInfo>> getJob(String repositoryFullName, long jobId) {
            return unexpected("getJob");
        }

        @Override
        public Uni<List<HookDelivery>> listHookDeliveries(WebhookRef hook, Instant since) {
            return unexpected("listHookDeliveries");
        }

        @Override
        public Uni<Void> redeliver(WebhookRef hook, long deliveryId) {
            return unexpected("redeliver");
        }

        @Override
        public Uni<Optional<RunInfo>> getRun(String repositoryFullName, long runId) {
            return unexpected("getRun");
        }

        @Override
        public Uni<Void> rerunJob(String repositoryFullName, long jobId) {
            return unexpected("rerunJob");
        }

        @Override
        public Uni<Void> rerunFailedJobs(String repositoryFullName, long runId) {
            return unexpected("rerunFailedJobs");
        }

        private <T> Uni<T> unexpected(String call) {
            reached.add(call);
            return Uni.createFrom().failure(new UnsupportedOperationException(call));
        }
    }
}
