package io.vmssrunnerscaler.engine;

import java.util.Objects;

/**
 * The numbers that size a pool at one moment: its own settings, or those of the schedule period in
 * force.
 *
 * @param min instances kept live even with no demand
 * @param minIdle runners kept ready on top of the demand
 * @param max ceiling on the scale set's capacity
 * @param freePercent this percentage of the demand kept free on top of it
 * @param period the id of the schedule period in force; empty when the pool's own settings apply
 */
public record Sizing(int min, int minIdle, int max, int freePercent, String period) {

    public Sizing {
        Objects.requireNonNull(period, "period");
        if (min < 0 || max < 0 || min > max) {
            throw new IllegalArgumentException("need 0 <= min <= max, got min " + min + ", max " + max);
        }
        if (minIdle < 0 || freePercent < 0) {
            throw new IllegalArgumentException("minIdle and freePercent must not be negative");
        }
    }

    /**
     * desired = clamp(demand + max(ceil(demand x free% / 100), idle target), min, max): the free
     * percentage and the idle target both ask for room on top of the demand, and the larger wins;
     * they are never added.
     */
    public int desiredFor(int demand, int idleTarget) {
        // long: in int arithmetic a percentage near Integer.MAX_VALUE overflows to a negative size
        long free = ((long) demand * freePercent + 99) / 100;
        long wanted = demand + Math.max(free, idleTarget);
        return (int) Math.max(min, Math.min(max, wanted));
    }
}
