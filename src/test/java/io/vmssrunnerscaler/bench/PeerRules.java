package io.vmssrunnerscaler.bench;

/**
 * The arithmetic of the peer policy ({@link PeerPolicy}): actions-runner-controller's scale-set
 * listener ({@code cmd/ghalistener/scaler/scaler.go}, {@code setDesiredWorkerState}) asks for
 * {@code min(minRunners + assigned jobs, maxRunners)} runners, where the assigned jobs are those
 * GitHub assigned to the scale set, queued or running; no free percentage. Its runner set then
 * deletes every finished runner and creates runners until the live count is the desired one, or
 * deletes idle runners above it. Kept apart from the I/O so that it can be tested alone.
 */
final class PeerRules {
    private PeerRules() {}

    /** Runners wanted: min + queued + busy, capped at max. */
    static int desired(int min, int max, int queued, int busy) {
        return Math.min(min + queued + busy, max);
    }

    /**
     * The scale set's capacity to ask for, as Azure counts it: the desired runners plus the finished
     * instances whose delete has not been accepted yet (they still count), never above max.
     */
    static int capacityWanted(int desired, int finishedNotDeleted, int max) {
        return Math.min(desired + finishedNotDeleted, max);
    }

    /** Live (not finished) instances above the desired count: idle ones to delete. */
    static int surplus(int capacity, int finishedNotDeleted, int desired) {
        return Math.max(0, capacity - finishedNotDeleted - desired);
    }
}
