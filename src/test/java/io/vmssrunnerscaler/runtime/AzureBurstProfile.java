package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** A fresh azure-mode scaler and fresh fakes for the burst test. */
public class AzureBurstProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
