package io.vmssrunnerscaler.secrets;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.TreeSet;

/** Secrets given directly (configuration, environment), for the simulator and local runs. */
public final class ConfigSecretStore implements SecretStore {
    private final Map<String, String> values;

    public ConfigSecretStore(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public Uni<String> get(String name) {
        String value = values.get(name);
        return value != null
                ? Uni.createFrom().item(value)
                : Uni.createFrom().failure(new SecretStoreException.NotFound(name, "not configured", 0, null));
    }

    /** Nothing to forget: values given directly can only change with a restart. */
    @Override
    public void invalidate(String name) {
    }

    @Override
    public String toString() {
        return "ConfigSecretStore" + new TreeSet<>(values.keySet());
    }
}
