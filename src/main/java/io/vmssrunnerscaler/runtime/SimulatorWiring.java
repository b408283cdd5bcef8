package io.vmssrunnerscaler.runtime;

import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.sim.SimScaleSet;
import io.vmssrunnerscaler.sim.SimSettings;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Tells the simulator what the settings say: its scale sets (one per pool loop) and its timings. */
public final class SimulatorWiring {
    private SimulatorWiring() {}

    public static List<SimScaleSet> scaleSets(Collection<Pool> pools) {
        return pools.stream().map(p -> new SimScaleSet(p.scaleSet().name(), p.runnerNamePrefix(), p.labels(), p.scope(),
                p.spec().maxEver())).toList(); // the most any schedule period allows
    }

    public static SimSettings settings(ScalerConfig.SimConfig c) {
        return new SimSettings(c.capacityDelay(), c.provisioningDelay(), c.reimageDelay(), c.deleteDelay(),
                c.runnerStartDelay(), c.provisioningFailureRate(), c.seed(), losses(c));
    }

    /** What the simulated world takes away: Spot evictions, a storm of them, VMs that die. */
    static SimSettings.Losses losses(ScalerConfig.SimConfig c) {
        return new SimSettings.Losses(c.evictionRate(), c.evictionStormAt(), c.evictionStormFraction(),
                c.evictionNotice(), c.killRate(), c.lostRunnerTimeout(), Set.copyOf(c.spotScaleSets().orElse(List.of())));
    }
}
