package io.vmssrunnerscaler.fakes.azurite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;
import io.vmssrunnerscaler.busy.queue.QueueBusyStore;
import io.vmssrunnerscaler.busy.queue.QueueStoreSettings;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The test resource gives a working queue configuration and leaves no Azurite behind. */
class AzuriteResourceTest {
    private Azurite injected;

    @Test
    void pointsTheBusyQueueAtARunningAzuriteAndStopsIt() {
        AzuriteResource resource = new AzuriteResource();
        resource.init(Map.of("queue-name", "e2e-busy"));
        Map<String, String> config = resource.start();
        try {
            assertEquals("e2e-busy", config.get(AzuriteResource.QUEUE_NAME_KEY));
            QueueBusyStore store = new QueueBusyStore(config.get(AzuriteResource.CONNECTION_STRING_KEY),
                    QueueStoreSettings.defaults(config.get(AzuriteResource.QUEUE_NAME_KEY)));
            assertEquals(List.of(), store.loadAll().await().atMost(Duration.ofSeconds(30)).busy());
            resource.inject(new TestInjector() {
                @Override
                public void injectIntoFields(Object value, Predicate<Field> predicate) {
                    injected = (Azurite) value;
                }
            });
            assertNotNull(injected);
            assertTrue(injected.accepts());
        } finally {
            resource.stop();
        }
        assertFalse(injected.accepts(), "Azurite still listens on " + injected.port());
    }
}
