package io.vmssrunnerscaler.github;

/**
 * What one pass of {@link WebhookRedelivery} did.
 *
 * @param listed deliveries GitHub listed since the previous pass (all events, all attempts)
 * @param failed {@code workflow_job} events among them with no successful attempt
 * @param redelivered redeliveries GitHub accepted in this pass
 * @param skippedByBudget failed events left for a later pass because the hourly budget was used up
 * @param refused redelivery requests that failed (tried again in a later pass)
 * @param gaveUp failed events not redelivered any more: they failed after every redelivery allowed
 * @param error what went wrong, or null: the listing failed (nothing else was done), a redelivery
 *     request failed, or the previous pass was still running
 */
public record RedeliveryPass(int listed, int failed, int redelivered, int skippedByBudget, int refused, int gaveUp,
        String error) {

    static RedeliveryPass failed(String error) {
        return new RedeliveryPass(0, 0, 0, 0, 0, 0, error);
    }

    /** Nothing went wrong. */
    public boolean ok() {
        return error == null;
    }
}
