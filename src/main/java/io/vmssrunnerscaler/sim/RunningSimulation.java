package io.vmssrunnerscaler.sim;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The simulated world and workload the service runs against, when it runs against the simulator. */
@ApplicationScoped
public class RunningSimulation {
    private volatile SimWorld world;
    private volatile SimWorkload workload;

    /** Set by the wiring at start in simulated mode; cleared (nulls) in azure mode. */
    public void attach(SimWorld world, SimWorkload workload) {
        this.world = world;
        this.workload = workload;
    }

    public Optional<SimWorld> world() {
        return Optional.ofNullable(world);
    }

    public Optional<SimWorkload> workload() {
        return Optional.ofNullable(workload);
    }
}
