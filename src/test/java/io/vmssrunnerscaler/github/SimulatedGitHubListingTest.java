package io.vmssrunnerscaler.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.runtime.VirtualRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The simulator's answers to the listing and job calls agree with what it simulates. */
class SimulatedGitHubListingTest {
    private static final RunnerScope SCOPE = RunnerScope.parse("octo-org/app");

    @Test
    void listsRunnersAndReportsJobsAsTheyRun() {
        PoolSpec spec = new PoolSpec("linux", Set.of("self-hosted", "linux"), 2, 2, 0, AfterJob.REIMAGE_OR_DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(1));
        Pool pool = new Pool(spec, SCOPE, "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
        VirtualRun run = new VirtualRun(List.of(pool), new SimSettings(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5), 0, 7),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(60), Instant.parse("2026-01-05T08:00:00Z"))
                .start();
        run.runFor(Duration.ofMinutes(3));
        var gitHub = run.world().gitHub();

        List<RunnerInfo> idle = result(run, gitHub.listRunners(SCOPE));
        assertEquals(2, idle.size(), idle::toString);
        assertTrue(idle.stream().allMatch(r -> r.online() && !r.busy() && r.labels().contains("linux")), idle::toString);

        long job = gitHub.submit(Set.of("linux"), Duration.ofMinutes(10), "octo-org/app", "octo-org");
        long waiting = gitHub.submit(Set.of("gpu"), Duration.ofMinutes(1), "octo-org/app", "octo-org");
        run.runFor(Duration.ofSeconds(5));

        JobInfo running = result(run, gitHub.getJob("octo-org/app", job)).orElseThrow();
        assertEquals("in_progress", running.status());
        assertTrue(result(run, gitHub.listRunners(SCOPE)).stream()
                .anyMatch(r -> r.busy() && r.name().equals(running.runnerName())));
        assertEquals("queued", result(run, gitHub.getJob("octo-org/app", waiting)).orElseThrow().status());

        run.runFor(Duration.ofMinutes(11));
        assertTrue(result(run, gitHub.getJob("octo-org/app", job)).orElseThrow().completed());
        assertEquals(Optional.empty(), result(run, gitHub.getJob("octo-org/app", 1)));
    }

    /** The simulator answers on its own clock: let it run a moment, then read the answer. */
    private static <T> T result(VirtualRun run, Uni<T> uni) {
        AtomicReference<T> item = new AtomicReference<>();
        uni.subscribe().with(item::set);
        run.runFor(Duration.ofMillis(1));
        return item.get();
    }
}
