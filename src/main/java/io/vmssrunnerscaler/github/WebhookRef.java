package io.vmssrunnerscaler.github;

import java.util.Objects;

/**
 * A webhook at GitHub whose deliveries can be listed and redelivered: a repository's or an
 * organisation's ({@link ScopeHook}), or a GitHub App's own ({@link AppHook}).
 */
public sealed interface WebhookRef {

    /** A repository's ({@code owner/name}) or an organisation's webhook, by its id. */
    static WebhookRef of(RunnerScope scope, long hookId) {
        return new ScopeHook(scope, hookId);
    }

    /** The webhook of the GitHub App the scaler authenticates as. */
    static WebhookRef app() {
        return new AppHook();
    }

    /**
     * A repository's or organisation's webhook by its id (the number in the hook's settings URL, or
     * {@code id} in {@code GET .../hooks}), under {@code /repos/{o}/{r}/hooks/{id}} or
     * {@code /orgs/{org}/hooks/{id}}, called with the scaler's token or installation token.
     */
    record ScopeHook(RunnerScope scope, long hookId) implements WebhookRef {
        public ScopeHook {
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

    /**
     * The GitHub App's own webhook (one per App, set in the App's settings), under
     * {@code /app/hook}: GitHub accepts only the App's JWT there, not an installation token.
     */
    record AppHook() implements WebhookRef {
        @Override
        public String toString() {
            return "GitHub App webhook";
        }
    }
}
