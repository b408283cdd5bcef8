package io.vmssrunnerscaler.status;

import io.smallrye.health.api.Wellness;
import io.vmssrunnerscaler.intake.IntakeKeys;
import io.vmssrunnerscaler.operator.OperatorToken;
import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.PoolLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Whether Azure, the busy store and GitHub answer, from the outcomes of the calls the scaler made
 * anyway ({@code /q/health/well}); a probe makes no call. Kept out of readiness on purpose: the
 * load balancer routes webhooks by readiness, and during an outage of Azure or GitHub the scaler
 * should still take deliveries (they are kept and acted on once the outage ends), not refuse them.
 */
@Wellness
@ApplicationScoped
public class DependenciesWellness implements HealthCheck {
    /** Scale-set calls failing in a row before the scale set counts as down: one failure is noise. */
    static final int FAILURES_BEFORE_DOWN = 3;
    private final PoolDirectory pools;
    private final IntakeKeys keys;
    private final OperatorToken operatorToken;

    DependenciesWellness(PoolDirectory pools, IntakeKeys keys, OperatorToken operatorToken) {
        this.pools = pools;
        this.keys = keys;
        this.operatorToken = operatorToken;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("dependencies").up();
        for (PoolLoop loop : pools.loops()) {
            var s = loop.state();
            String key = "scale-set " + loop.pool().scaleSet().name();
            if (s.consecutiveFailures() >= FAILURES_BEFORE_DOWN) {
                b.down().withData(key, s.consecutiveFailures() + " calls failed in a row, last: "
                        + s.lastFailure().map(f -> f.kind() + " at " + f.at() + ": " + f.reason()).orElse("?"));
            } else {
                b.withData(key, s.consecutiveFailures() == 0 ? "ok" : s.consecutiveFailures() + " recent failure(s)");
            }
        }
        pools.busyStoreProblem().ifPresentOrElse(problem -> b.down().withData("busy-store", problem),
                () -> b.withData("busy-store", "ok"));
        pools.gitHubStatus().ifPresentOrElse(
                g -> {
                    b.withData("github", g.problem().map(p -> "runner listing failed at " + g.at() + ": " + p).orElse("ok"));
                    if (g.problem().isPresent()) {
                        b.down();
                    }
                },
                () -> b.withData("github", "not asked yet"));
        b.withData("key-vault", keys.ready() ? "secrets read" : "secrets not read yet");
        if (!keys.ready()) {
            b.down();
        }
        if (keys.fromVault()) {
            boolean read = operatorToken.state() == OperatorToken.State.REQUIRED;
            b.withData("operator-token", read ? "read" : "not read from Key Vault yet (operator endpoints answer 503)");
            if (!read) {
                b.down();
            }
        }
        return b.build();
    }
}
