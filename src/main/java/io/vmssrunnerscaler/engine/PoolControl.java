package io.vmssrunnerscaler.engine;

/**
 * What an operator set on a scale set at runtime, kept until the process restarts or the operator
 * resets it: a pause, and overrides of the sizing in force (a schedule period's or the pool's own).
 *
 * @param paused no new capacity: no capacity is asked for and no finished instance is re-imaged;
 *     waiting jobs wait, idle runners stay, busy ones are never touched
 * @param min overrides the minimum in force, null for none
 * @param max overrides the maximum in force, null for none
 * @param minIdle overrides the idle runners kept ready, null for none
 */
public record PoolControl(boolean paused, Integer min, Integer max, Integer minIdle) {

    /** Nothing set: the configured sizing applies. */
    public static final PoolControl NONE = new PoolControl(false, null, null, null);

    public PoolControl {
        if (min != null && min < 0 || minIdle != null && minIdle < 0) {
            throw new IllegalArgumentException("min and minIdle must not be negative");
        }
        if (max != null && max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("min (" + min + ") must not exceed max (" + max + ")");
        }
    }

    public PoolControl withPaused(boolean pause) {
        return new PoolControl(pause, min, max, minIdle);
    }

    /** The same pause with these overrides (null: none). */
    public PoolControl withOverrides(Integer newMin, Integer newMax, Integer newMinIdle) {
        return new PoolControl(paused, newMin, newMax, newMinIdle);
    }

    /** Whether any sizing is overridden. */
    public boolean overrides() {
        return min != null || max != null || minIdle != null;
    }

    /**
     * The sizing in force under these overrides. An overridden max below the minimum in force
     * lowers that minimum with it: the operator's ceiling wins.
     */
    public Sizing applyTo(Sizing sizing) {
        int newMax = max != null ? max : sizing.max();
        int newMin = Math.min(min != null ? min : sizing.min(), newMax);
        return new Sizing(newMin, minIdle != null ? minIdle : sizing.minIdle(), newMax, sizing.freePercent(),
                sizing.period());
    }
}
