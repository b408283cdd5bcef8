package io.vmssrunnerscaler.sim;

/** An error the simulated Azure or GitHub answers with. */
public final class SimulatedFailure extends RuntimeException {
    public SimulatedFailure(String message) {
        super(message);
    }
}
