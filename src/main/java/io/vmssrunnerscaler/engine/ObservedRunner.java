package io.vmssrunnerscaler.engine;

/**
 * A runner as GitHub lists it, as the engine needs it.
 *
 * @param name the runner's name, which is its instance's computer name
 * @param online a runner process is connected to GitHub
 * @param busy GitHub has given it a job
 * @param poolNamed its name follows the pool's naming (the scale set's computer-name prefix), so
 *     it may be removed when no instance is behind it; other runners are never removed
 */
public record ObservedRunner(String name, boolean online, boolean busy, boolean poolNamed) {
    public ObservedRunner {
        java.util.Objects.requireNonNull(name, "name");
    }
}
