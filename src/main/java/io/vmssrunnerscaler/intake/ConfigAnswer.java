package io.vmssrunnerscaler.intake;

import io.vmssrunnerscaler.engine.PoolCommand.ConfigRejection;
import io.vmssrunnerscaler.github.RunnerConfig;

/** The answer to a runner VM asking for its configuration. */
public sealed interface ConfigAnswer {

    record Granted(String pool, String instanceId, RunnerConfig config) implements ConfigAnswer {}

    record Rejected(ConfigRejection reason) implements ConfigAnswer {}
}
