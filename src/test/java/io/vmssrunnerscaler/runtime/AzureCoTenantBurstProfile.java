package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** A fresh azure-mode scaler and fresh fakes, so that the co-tenant's spending meets full buckets. */
public class AzureCoTenantBurstProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class));
    }
}
