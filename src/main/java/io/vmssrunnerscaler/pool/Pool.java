package io.vmssrunnerscaler.pool;

import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.util.Set;

/** A validated pool: the engine's rules plus where its runners register and which scale set it drives. */
public record Pool(PoolSpec spec, RunnerScope scope, String runnerGroup, ScaleSetRef scaleSet) {

    public String name() {
        return spec.name();
    }

    /** The labels a runner of this pool carries, with GitHub's implicit {@code self-hosted}. */
    public Set<String> labels() {
        return spec.labels();
    }
}
