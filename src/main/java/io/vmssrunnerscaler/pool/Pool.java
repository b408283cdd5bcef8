package io.vmssrunnerscaler.pool;

import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated pool, or one scale set of a pool that spans several: the engine's rules plus where
 * its runners register and which scale set it drives. Each has its own loop, engine state, busy
 * markers and Azure budget; a pool over several scale sets is the list of them under one
 * {@code poolName}, routed as one pool (see {@code shell/ScaleSetChoice}).
 *
 * @param spec the engine's rules; {@code spec.name()} is this loop's unique name: the pool's name,
 *     or {@code <pool>@<scale set>} for a scale set of a pool that spans several
 * @param runnerNamePrefix the scale set's computer-name prefix: its instances, and so its runners,
 *     are named this plus six base-36 characters (Azure's naming for Uniform scale sets)
 * @param poolName the pool as GitHub and the user see it
 * @param draining no new runners here: the scale set shrinks to zero and may then leave the list
 * @param losses what the pool does about jobs lost with their runners: whether they are re-run
 */
public record Pool(PoolSpec spec, RunnerScope scope, String runnerGroup, ScaleSetRef scaleSet, String runnerNamePrefix,
        String poolName, boolean draining, LossPolicy losses) {

    /** With the default loss policy: no re-runs. */
    public Pool(PoolSpec spec, RunnerScope scope, String runnerGroup, ScaleSetRef scaleSet, String runnerNamePrefix,
            String poolName, boolean draining) {
        this(spec, scope, runnerGroup, scaleSet, runnerNamePrefix, poolName, draining, LossPolicy.DEFAULT);
    }

    /** The same pool with these rules. */
    public Pool withSpec(PoolSpec rules) {
        return new Pool(rules, scope, runnerGroup, scaleSet, runnerNamePrefix, poolName, draining, losses);
    }

    /** The same pool with this loss policy. */
    public Pool withLosses(LossPolicy policy) {
        return new Pool(spec, scope, runnerGroup, scaleSet, runnerNamePrefix, poolName, draining, policy);
    }

    /** With the default prefix, derived from the scale set's name. */
    public Pool(PoolSpec spec, RunnerScope scope, String runnerGroup, ScaleSetRef scaleSet) {
        this(spec, scope, runnerGroup, scaleSet, defaultRunnerNamePrefix(scaleSet.name()));
    }

    /** A pool of one scale set. */
    public Pool(PoolSpec spec, RunnerScope scope, String runnerGroup, ScaleSetRef scaleSet, String runnerNamePrefix) {
        this(spec, scope, runnerGroup, scaleSet, runnerNamePrefix, spec.name(), false);
    }

    /** The loop name of one scale set of a pool that spans several. */
    public static String memberName(String pool, String scaleSetName) {
        return pool + "@" + scaleSetName;
    }

    /** Lower-case letters and digits of the scale set's name, at most 9 (what fits a Windows name too). */
    public static String defaultRunnerNamePrefix(String scaleSetName) {
        String p = scaleSetName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return p.substring(0, Math.min(9, p.length()));
    }

    /**
     * Whether GitHub's runner of this name is one of this pool's: the prefix and exactly six
     * base-36 characters, so that a pool whose prefix starts another's never claims its runners.
     */
    public boolean ownsRunner(String runnerName) {
        return runnerName != null && runnerName.length() == runnerNamePrefix.length() + 6
                && runnerName.regionMatches(true, 0, runnerNamePrefix, 0, runnerNamePrefix.length())
                && SUFFIX.matcher(runnerName.substring(runnerNamePrefix.length())).matches();
    }

    private static final Pattern SUFFIX = Pattern.compile("[0-9a-zA-Z]{6}");

    public String name() {
        return spec.name();
    }

    /** The labels a runner of this pool carries, with GitHub's implicit {@code self-hosted}. */
    public Set<String> labels() {
        return spec.labels();
    }
}
