package io.vmssrunnerscaler.github;

import java.util.Objects;

/**
 * A webhook at GitHub: a repository's ({@code owner/name}) or an organisation's, by its id (the
 * number in the hook's settings URL, or {@code id} in {@code GET .../hooks}).
 */
public record WebhookRef(RunnerScope scope, long hookId) {
    public WebhookRef {
        Objects.requireNonNull(scope, "scope");
        if (hookId <= 0) {
            throw new IllegalArgumentException("a hook id is a positive number, got " + hookId);
        }
    }

    @Override
    public String toString() {
        return (scope.isOrganisation() ? "organisation " : "repository ") + scope + " hook " + hookId;
    }
}
