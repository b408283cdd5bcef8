package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.runtime.SimulatorWiring;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.sim.SimSettings;
import io.vmssrunnerscaler.sim.SimWorld;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The small pool and simulated world the shell's loop tests run on. */
final class ShellFixtures {
    private ShellFixtures() {}

    /** Pool linux: min 0, max 3, deleted after a job, on scale set linux-vmss. */
    static Pool linuxPool() {
        return new Pool(new PoolSpec("linux", Set.of("linux"), 0, 3, 0, AfterJob.DELETE,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofHours(3)),
                RunnerScope.parse("octo-org/app"), "Default", new ScaleSetRef("sub", "rg", "linux-vmss"));
    }

    /** Azure's timings (5 s capacity, 90 s boot, 60 s re-image, 20 s delete), no failures, seed 7. */
    static SimWorld world(TimeSource time, List<Pool> pools) {
        return new SimWorld(time, new SimSettings(Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofSeconds(60),
                Duration.ofSeconds(20), Duration.ofSeconds(5), 0, 7), SimulatorWiring.scaleSets(pools));
    }
}
