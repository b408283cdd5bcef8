package io.vmssrunnerscaler.runtime;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A fresh azure-mode scaler and fresh fakes, so that the co-tenant's spending meets full buckets.
 * Azure's refill counts per {@link AzureCoTenantBurstTest#REFILL_PERIOD} instead of per minute,
 * in the fake and the scaler alike, so that waiting for refills takes a third of the time.
 */
public class AzureCoTenantBurstProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzureWorld.class,
                Map.of("refill-period", AzureCoTenantBurstTest.REFILL_PERIOD.toString())));
    }
}
