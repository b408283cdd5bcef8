package io.vmssrunnerscaler.secrets;

import io.smallrye.mutiny.Uni;

/**
 * Where the scaler's credentials (GitHub token or App key, webhook secret) come from. Values are
 * never logged, never put in {@code toString} and never put in exception messages.
 */
public interface SecretStore {

    /** The current value of the named secret, remembered for a while; fails with a {@link SecretStoreException}. */
    Uni<String> get(String name);

    /** Forgets the remembered value so that the next {@link #get} reads the source again (e.g. after GitHub answered 401). */
    void invalidate(String name);
}
