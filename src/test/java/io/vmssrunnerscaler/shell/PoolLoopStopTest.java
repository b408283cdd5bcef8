package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * At shutdown the pool loops stop first and the executor that runs them goes next; an Azure call
 * answered in between must be dropped quietly, as by a process that exits.
 */
class PoolLoopStopTest {
    private final VirtualTimeSource time = new VirtualTimeSource(Instant.parse("2026-02-02T08:00:00Z"));
    private final Pool pool = ShellFixtures.linuxPool();
    private final SimWorld world = ShellFixtures.world(time, List.of(pool));

    @Test
    void anAnswerArrivingAfterTheStopTouchesNeitherThePoolNorItsExecutor() {
        CompletableFuture<List<ObservedInstance>> listing = new CompletableFuture<>();
        ScaleSetPort held = new ScaleSetPort() {
            @Override
            public Uni<List<ObservedInstance>> list(ScaleSetRef scaleSet) {
                return Uni.createFrom().completionStage(listing);
            }

            @Override
            public Uni<Void> setCapacity(ScaleSetRef scaleSet, int capacity) {
                return world.azure().setCapacity(scaleSet, capacity);
            }

            @Override
            public Uni<Void> reimage(ScaleSetRef scaleSet, List<String> instanceIds) {
                return world.azure().reimage(scaleSet, instanceIds);
            }

            @Override
            public Uni<Void> delete(ScaleSetRef scaleSet, List<String> instanceIds) {
                return world.azure().delete(scaleSet, instanceIds);
            }
        };
        AtomicBoolean shutDown = new AtomicBoolean();
        AtomicInteger usedAfterShutdown = new AtomicInteger();
        Executor executor = task -> {
            if (shutDown.get()) {
                usedAfterShutdown.incrementAndGet();
                throw new RejectedExecutionException("Executor is being shut down");
            }
            task.run();
        };
        Scaler scaler = new Scaler(List.of(pool), new ShellContext(time, held, new InMemoryBusyStore(), world.gitHub(),
                Duration.ofSeconds(2), 1000, false, executor), p -> PoolListener.NONE);
        scaler.start(); // reads the (empty) store back, then asks for a listing, which Azure holds

        scaler.stop();
        shutDown.set(true);
        listing.complete(List.of());

        assertEquals(0, usedAfterShutdown.get(), "the late answer was handed to the stopped loop's executor");
        assertEquals(0, scaler.loops().get(0).state().lastListApplied(), "nothing is decided after the stop");
    }
}
