package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.intake.IntakeKeys;
import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.PoolLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the secrets are read, the busy runners were read back and every pool has listed its
 * scale set: before that, it cannot check a delivery or tell a busy instance from a spare one.
 * Read from the loops' cached state; a probe makes no remote call. An outage of a dependency later
 * does not make the scaler unready (see {@link DependenciesWellness}): deliveries are still taken.
 */
@Readiness
@ApplicationScoped
public class PoolsReadiness implements HealthCheck {
    private final PoolDirectory pools;
    private final IntakeKeys keys;

    PoolsReadiness(PoolDirectory pools, IntakeKeys keys) {
        this.pools = pools;
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("pools").up();
        if (pools.loops().isEmpty()) {
            return b.down().withData("reason", "starting").build();
        }
        if (!pools.busyRestored()) {
            b.down().withData("busy-store", "busy runners not read back yet");
        }
        if (!keys.ready()) {
            b.down().withData("secrets", "webhook secret or hook-token key not read from Key Vault yet");
        }
        for (PoolLoop loop : pools.loops()) {
            boolean listed = loop.state().lastListApplied() > 0;
            b.withData(loop.pool().name(), listed ? "scale set listed" : "waiting for the first listing");
            if (!listed) {
                b.down();
            }
        }
        return b.build();
    }
}
