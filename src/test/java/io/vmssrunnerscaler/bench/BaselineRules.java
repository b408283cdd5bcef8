package io.vmssrunnerscaler.bench;

/**
 * The arithmetic of the design this project replaces (the seed's Python scaler, as described in
 * issue 6), kept apart from its I/O so that it can be tested alone. Used only by the benchmarks.
 */
final class BaselineRules {
    private BaselineRules() {}

    /** What to do with the instance whose job just ended. */
    enum AfterJob { REIMAGE, DELETE }

    /** On a job start: target = min(ceil(busy x (100 + free%) / 100), max). */
    static int startTarget(int busy, int freePercent, int max) {
        return Math.min(withFree(busy, freePercent), max);
    }

    /**
     * On a job start: the capacity to set, or -1 for no change. Grows only when the target exceeds
     * the instances that have not failed; failed ones are added on top, since they still count in
     * the scale set's capacity.
     */
    static int capacityOnStart(int busy, int freePercent, int max, int nonFailed, int failed) {
        int target = startTarget(busy, freePercent, max);
        return target > nonFailed ? target + failed : -1;
    }

    /** On a job end: target = max(min(ceil(busy x (100 + free%) / 100), max), min). */
    static int endTarget(int busy, int freePercent, int min, int max) {
        return Math.max(Math.min(withFree(busy, freePercent), max), min);
    }

    /** On a job end: re-image the finished instance while the target still needs every instance, else delete it. */
    static AfterJob afterJob(int busy, int freePercent, int min, int max, int nonFailed) {
        return endTarget(busy, freePercent, min, max) >= nonFailed ? AfterJob.REIMAGE : AfterJob.DELETE;
    }

    /** ceil(busy x (100 + free%) / 100) in integers. */
    static int withFree(int busy, int freePercent) {
        long scaled = (long) busy * (100 + freePercent);
        return (int) ((scaled + 99) / 100);
    }
}
