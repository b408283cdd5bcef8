package io.vmssrunnerscaler.engine;

import java.util.List;

/** The engine's answer to one event: the new state and what to do. */
public record Decision(PoolState state, List<PoolCommand> commands) {
    public Decision {
        commands = List.copyOf(commands);
    }
}
