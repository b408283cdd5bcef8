package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;

/** Observes every decision of a pool loop (logging, metrics). Called on the loop; must be quick. */
public interface PoolListener {

    void decided(PoolState before, PoolEvent event, Decision decision);

    PoolListener NONE = (before, event, decision) -> { };
}
