package io.vmssrunnerscaler.github;

import java.util.Set;

/**
 * A runner as GitHub lists it.
 *
 * @param online GitHub's {@code status} is {@code online} (a runner process is connected)
 * @param busy it is running a job
 */
public record RunnerInfo(long id, String name, boolean online, boolean busy, Set<String> labels) {
    public RunnerInfo {
        labels = Set.copyOf(labels);
    }
}
