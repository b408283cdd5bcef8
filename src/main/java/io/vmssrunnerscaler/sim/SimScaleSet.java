package io.vmssrunnerscaler.sim;

import io.vmssrunnerscaler.github.RunnerScope;
import java.util.Set;

/**
 * What the simulated cloud knows of one scale set: its name, how it names its VMs, the labels its
 * runners register with, the scope they register at, and the size it should never pass (a check
 * on the scaler, logged when broken).
 */
public record SimScaleSet(String name, String runnerNamePrefix, Set<String> labels, RunnerScope scope, int max) {
    public SimScaleSet {
        labels = Set.copyOf(labels);
    }
}
