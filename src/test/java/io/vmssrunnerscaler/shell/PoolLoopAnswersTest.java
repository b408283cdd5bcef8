package io.vmssrunnerscaler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.busy.InMemoryBusyStore;
import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.engine.ScalingEngine;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.VirtualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A caller of {@code ask} - a runner VM waiting for its configuration - always gets an answer,
 * even when the engine fails on its event; and the loop goes on deciding. The loop runs on its own
 * thread, as in production.
 */
class PoolLoopAnswersTest {
    /** Far longer than an answer takes; the old loop never answered at all. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final String BROKEN = "linux-vmss-broken";

    private final VirtualTimeSource time = new VirtualTimeSource(Instant.parse("2026-02-02T08:00:00Z"));
    private final Pool pool = ShellFixtures.linuxPool();
    private final SimWorld world = ShellFixtures.world(time, List.of(pool));
    private final ExecutorService loopThread = Executors.newSingleThreadExecutor();
    private final ScalingEngine engine = new ScalingEngine();

    @AfterEach
    void stopThread() {
        loopThread.shutdownNow();
    }

    private PoolLoop loop(PoolLoop.Engine engine) {
        return loop(engine, PoolListener.NONE);
    }

    private PoolLoop loop(PoolLoop.Engine engine, PoolListener listener) {
        return new PoolLoop(pool, new ShellContext(time, world.azure(), new InMemoryBusyStore(), world.gitHub(),
                Duration.ofSeconds(2), 1000, false, loopThread), listener, lost -> { }, engine);
    }

    /** The real engine, but with a bug in the rule for one runner's configuration request. */
    private Decision brokenFor(PoolState state, PoolEvent event, Instant now) {
        if (event instanceof PoolEvent.RunnerConfigRequested r && r.runnerName().equals(BROKEN)) {
            throw new IllegalStateException("a rule's bug");
        }
        return engine.decide(state, event, now);
    }

    @Test
    void anEngineFailureFailsTheAskAndTheNextEventIsStillDecided() {
        PoolLoop loop = loop(this::brokenFor);
        PoolState before = loop.state();

        PoolLoop.EngineFailedException failed = assertThrows(PoolLoop.EngineFailedException.class,
                () -> loop.ask(new PoolEvent.RunnerConfigRequested(BROKEN)).await().atMost(PROMPTLY));
        assertEquals("a rule's bug", failed.getCause().getMessage());
        assertTrue(failed.getMessage().contains("pool linux"), failed.getMessage());
        assertSame(before, loop.state(), "a failed decision changes nothing");

        Decision next = loop.ask(new PoolEvent.JobQueued(7)).await().atMost(PROMPTLY);
        assertTrue(next.state().queued().containsKey(7L), "the loop is alive: " + next);
        assertEquals(next.state(), loop.state());
    }

    @Test
    void anOfferedEventTheEngineFailsOnDoesNotStopTheLoop() {
        PoolLoop loop = loop(this::brokenFor);

        assertTrue(loop.offer(new PoolEvent.RunnerConfigRequested(BROKEN)));

        Decision next = loop.ask(new PoolEvent.JobQueued(7)).await().atMost(PROMPTLY);
        assertTrue(next.state().queued().containsKey(7L));
    }

    /** An exception escaping the loop's callback would end its Mutiny subscription, and the pool with it. */
    @Test
    void aListenerThatFailsNeitherHoldsTheAnswerNorStopsTheLoop() {
        PoolLoop loop = loop(engine::decide, (before, event, decision) -> {
            throw new IllegalStateException("a metrics bug");
        });

        Decision first = loop.ask(new PoolEvent.JobQueued(7)).await().atMost(PROMPTLY);
        Decision second = loop.ask(new PoolEvent.JobQueued(8)).await().atMost(PROMPTLY);

        assertTrue(first.state().queued().containsKey(7L));
        assertEquals(Set.of(7L, 8L), second.state().queued().keySet());
    }

    @Test
    void anAskAfterTheStopFailsAtOnce() {
        PoolLoop loop = loop(engine::decide);
        loop.stop();

        assertThrows(PoolLoop.PoolStoppedException.class,
                () -> loop.ask(new PoolEvent.RunnerConfigRequested("linux-vmss-1")).await().atMost(PROMPTLY));
    }
}
