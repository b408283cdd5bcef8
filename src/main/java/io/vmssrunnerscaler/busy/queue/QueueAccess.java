package io.vmssrunnerscaler.busy.queue;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.queue.QueueClientBuilder;
import java.util.Objects;

/**
 * How the store reaches the storage account: a connection string (Azurite, account keys) or an
 * endpoint with a token credential (managed identity). {@code toString} never shows a secret,
 * because these objects end up in log lines and exception messages sooner or later.
 */
public sealed interface QueueAccess {

    /** Gives the builder the account's address and credential. */
    void applyTo(QueueClientBuilder builder);

    static QueueAccess connectionString(String connectionString) {
        return new ConnectionString(connectionString);
    }

    static QueueAccess credential(String endpoint, TokenCredential credential) {
        return new Credential(endpoint, credential);
    }

    /** A storage connection string; it contains the account key, so it is shown as hidden. */
    record ConnectionString(String value) implements QueueAccess {
        public ConnectionString {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the queue connection string is empty");
            }
        }

        @Override
        public void applyTo(QueueClientBuilder builder) {
            try {
                builder.connectionString(value);
            } catch (RuntimeException e) {
                // The SDK's message is generic today; dropping it (and the cause) keeps it that way.
                throw new QueueStoreException.Rejected("the queue connection string is malformed (value not shown)",
                        null);
            }
        }

        @Override
        public String toString() {
            return "ConnectionString[hidden]";
        }
    }

    /** The queue service endpoint, e.g. {@code https://<account>.queue.core.windows.net}. */
    record Credential(String endpoint, TokenCredential credential) implements QueueAccess {
        public Credential {
            Objects.requireNonNull(credential, "credential");
            if (endpoint == null || !endpoint.startsWith("https://") || endpoint.contains("?")) {
                // A query string would be a SAS token: a secret, and not what this access is for.
                throw new IllegalArgumentException("the queue endpoint must be an https URL without a query");
            }
        }

        @Override
        public void applyTo(QueueClientBuilder builder) {
            builder.endpoint(endpoint).credential(credential);
        }

        @Override
        public String toString() {
            return "Credential[" + endpoint + "]";
        }
    }
}
