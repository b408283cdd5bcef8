package io.vmssrunnerscaler.intake;



import io.vmssrunnerscaler.runtime.ScalerRuntime;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Waits until the pools know the instances a growth asked for. Azure answers a capacity PATCH only
 * when its VMs are provisioned - never, in these tests' simulator (provisioning takes an hour, so
 * no VM asks for its configuration by itself) - and lists them {@code Creating} meanwhile: the
 * pools learn them from a listing, which this asks for while it waits.
 */
final class Listed {
    private Listed() {
    }

    static void await(ScalerRuntime runtime, IntSupplier instances, int expected) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            runtime.scaler().refresh();
            return instances.getAsInt() == expected;
        });
    }
}
