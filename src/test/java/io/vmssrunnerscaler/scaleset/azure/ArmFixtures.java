package io.vmssrunnerscaler.scaleset.azure;

import io.vertx.core.Vertx;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Vert.x per test class for the adapter under test, and the {@link ArmFixture}s each test
 * starts, closed after it. Register as a static {@code @RegisterExtension} field.
 */
final class ArmFixtures implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private Vertx vertx;
    private final List<ArmFixture> started = new ArrayList<>();

    ArmFixture start(FakeArmOptions fake, int capacity) {
        return start(fake, capacity, s -> s, ThrottleBudget.azure(Clock.systemUTC()));
    }

    ArmFixture start(FakeArmOptions fake, int capacity, UnaryOperator<AzureScaleSetSettings> settings) {
        return start(fake, capacity, settings, ThrottleBudget.azure(Clock.systemUTC()));
    }

    ArmFixture start(FakeArmOptions fake, int capacity, ThrottleBudget budget) {
        return start(fake, capacity, s -> s, budget);
    }

    ArmFixture start(FakeArmOptions fake, int capacity, UnaryOperator<AzureScaleSetSettings> settings, ThrottleBudget budget) {
        return keep(new ArmFixture(fake, capacity, FakeArmOptions.TOKEN, settings, budget, vertx));
    }

    /** The adapter presents this bearer token instead of the one the fake accepts. */
    ArmFixture withToken(String token) {
        return keep(new ArmFixture(FakeArmOptions.defaults(), 1, token, s -> s, ThrottleBudget.azure(Clock.systemUTC()), vertx));
    }

    private ArmFixture keep(ArmFixture fixture) {
        started.add(fixture);
        return fixture;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = Vertx.vertx();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(ArmFixture::close);
        started.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
