package io.vmssrunnerscaler.github;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of GitHub to deliver an event to a webhook, as GitHub lists it. A redelivery is a new
 * attempt (new {@code id}) of the same event (same {@code guid}, sent as {@code X-GitHub-Delivery}).
 *
 * @param id this attempt, for {@code POST .../deliveries/{id}/attempts}
 * @param guid the event, shared by all its attempts
 * @param deliveredAt when GitHub sent it
 * @param redelivery whether this attempt was a redelivery
 * @param statusCode the HTTP status the receiver answered; 0 when no answer came (timeout, no connection)
 * @param event e.g. {@code workflow_job}
 * @param action e.g. {@code queued}; null for events without one
 */
public record HookDelivery(long id, String guid, Instant deliveredAt, boolean redelivery, int statusCode, String event,
        String action) {
    public HookDelivery {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(deliveredAt, "deliveredAt");
        Objects.requireNonNull(event, "event");
    }

    /** The receiver answered 2xx within GitHub's deadline. */
    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }
}
