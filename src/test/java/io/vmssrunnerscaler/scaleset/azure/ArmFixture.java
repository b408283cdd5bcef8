package io.vmssrunnerscaler.scaleset.azure;

import io.vertx.core.Vertx;
import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import io.vmssrunnerscaler.fakes.arm.StaticTokenCredential;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A fake ARM with one scale set, and an AzureScaleSet pointed at it. Made and closed by {@link ArmFixtures}. */
final class ArmFixture implements AutoCloseable {
    static final String SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
    static final String RESOURCE_GROUP = "ci-runners";
    static final String NAME = "linux-vmss";
    static final String PREFIX = "linux";

    final FakeArm arm;
    final FakeScaleSet fakeSet;
    final StaticTokenCredential credential;
    final ThrottleBudget budget;
    final AzureScaleSet scaleSet;
    final ScaleSetRef ref = new ScaleSetRef(SUBSCRIPTION, RESOURCE_GROUP, NAME);

    ArmFixture(FakeArmOptions fake, int capacity, String token, UnaryOperator<AzureScaleSetSettings> settings,
            ThrottleBudget budget, Vertx vertx) {
        this.arm = FakeArm.start(fake);
        this.fakeSet = arm.addScaleSet(SUBSCRIPTION, RESOURCE_GROUP, NAME, PREFIX, capacity);
        this.credential = new StaticTokenCredential(token);
        this.budget = budget;
        this.scaleSet = new AzureScaleSet(settings.apply(testSettings(arm)), credential, vertx, budget);
    }

    /** Short intervals and deadlines, so that a test takes well under a second unless it must wait. */
    static AzureScaleSetSettings testSettings(FakeArm arm) {
        return AzureScaleSetSettings.defaults()
                .withArmEndpoint(arm.baseUri())
                .withPollInterval(Duration.ofMillis(20))
                .withDeadlines(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10))
                .withRetries(3, Duration.ofMillis(20), Duration.ofSeconds(5));
    }

    ScaleSetRef other(String name) {
        return new ScaleSetRef(SUBSCRIPTION, RESOURCE_GROUP, name);
    }

    @Override
    public void close() {
        arm.close();
    }
}
