package io.vmssrunnerscaler.engine;

/**
 * A runner as GitHub lists it, as the engine needs it.
 *
 * @param name the runner's name, which is its instance's computer name
 * @param online a runner process is connected to GitHub
 * @param busy GitHub has given it a job
 */
public record ObservedRunner(String name, boolean online, boolean busy) {
    public ObservedRunner {
        java.util.Objects.requireNonNull(name, "name");
    }
}
