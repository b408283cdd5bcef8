package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.github.RegistrationToken;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.RunnerScope;
import java.util.Set;

/** The answer to a runner VM asking for its configuration. */
public sealed interface ConfigAnswer {

    /**
     * Exactly one of {@code jitConfig} and {@code registration} is set, by the configured mode; the
     * scope and labels are what a runner registering with a token needs.
     */
    record Granted(RunnerIdentity runner, RunnerScope scope, Set<String> labels, RunnerConfig jitConfig,
            RegistrationToken registration) implements ConfigAnswer {}

    record Rejected(ConfigRejection reason) implements ConfigAnswer {}
}
