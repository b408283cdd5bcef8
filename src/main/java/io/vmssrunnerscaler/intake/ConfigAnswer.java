package io.vmssrunnerscaler.intake;

import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunnerConfig;

/** The answer to a runner VM asking for its configuration. */
public sealed interface ConfigAnswer {

    /** Exactly one of {@code jitConfig} and {@code registration} is set, by the configured mode. */
    record Granted(String pool, String instanceId, String runnerName, RunnerConfig jitConfig,
            RegistrationToken registration) implements ConfigAnswer {}

    record Rejected(ConfigRejection reason) implements ConfigAnswer {}
}
