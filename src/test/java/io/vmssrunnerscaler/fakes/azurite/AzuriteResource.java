package io.vmssrunnerscaler.fakes.azurite;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts Azurite for a {@code @QuarkusTest} and points the scaler's busy queue at it. The running
 * {@link Azurite} is injected into test fields of that type, so a test can stop and start it.
 * Init arg {@code queue-name} overrides the queue name.
 */
public class AzuriteResource implements QuarkusTestResourceLifecycleManager {
    public static final String CONNECTION_STRING_KEY = "scaler.azure.queue.connection-string";
    public static final String QUEUE_NAME_KEY = "scaler.azure.queue.name";
    public static final String DEFAULT_QUEUE_NAME = "busy-markers";

    private String queueName = DEFAULT_QUEUE_NAME;
    private Azurite azurite;

    @Override
    public void init(Map<String, String> initArgs) {
        queueName = initArgs.getOrDefault("queue-name", DEFAULT_QUEUE_NAME);
    }

    @Override
    public Map<String, String> start() {
        azurite = Azurite.inMemory();
        return Map.of(CONNECTION_STRING_KEY, azurite.connectionString(), QUEUE_NAME_KEY, queueName);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(azurite, new TestInjector.MatchesType(Azurite.class));
    }

    @Override
    public void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }
}
