package io.vmssrunnerscaler.scaleset.azure;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long-running operations that end {@code Failed} or {@code Canceled} (Compute's operation status,
 * each with an {@code error}): the call fails, with Azure's code and message, whatever the SDK's
 * poller made of the status.
 */
class AzureScaleSetOperationEndTest {
    private static final Duration AWAIT = Duration.ofSeconds(15);
    private static final String PREEMPTED = "Operation execution has been preempted by a more recent operation.";
    private static final String INTERNAL = "An internal execution error occurred. Please retry later.";
    @RegisterExtension
    static final ArmFixtures ARM = new ArmFixtures();

    /** The three calls that start a long-running operation. */
    enum Call {
        SET_CAPACITY("set capacity to 3", f -> f.scaleSet.setCapacity(f.ref, 3)),
        REIMAGE("re-image 1 instances", f -> f.scaleSet.reimage(f.ref, List.of("0"))),
        DELETE("delete 1 instances", f -> f.scaleSet.delete(f.ref, List.of("1")));

        final String operation;
        final Function<ArmFixture, Uni<Void>> call;

        Call(String operation, Function<ArmFixture, Uni<Void>> call) {
            this.operation = operation;
            this.call = call;
        }
    }

    @ParameterizedTest(name = "{0} ending Canceled")
    @EnumSource(Call.class)
    void aCanceledOperationFailsTheCallWithAzuresCodeAndMessage(Call call) {
        ArmFixture f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().cancelOperations("OperationPreempted", PREEMPTED);

        ScaleSetException e = failure(f, call);

        assertInstanceOf(ScaleSetException.Conflict.class, e, "preempted by another operation on the scale set");
        assertEquals("OperationPreempted", e.details().code());
        assertNotNull(e.correlationId());
        assertThat(e.getMessage(), allOf(containsString(call.operation), containsString(ArmFixture.NAME),
                containsString(PREEMPTED), containsString(e.correlationId())));
        assertThat(e.getMessage(), not(containsString(FakeArmOptions.TOKEN)));
        notAsAsked(f, call);
    }

    @ParameterizedTest(name = "{0} ending Failed")
    @EnumSource(Call.class)
    void aFailedOperationFailsTheCallWithAzuresCodeAndMessage(Call call) {
        ArmFixture f = ARM.start(FakeArmOptions.defaults(), 2);
        f.arm.faults().failOperations("InternalExecutionError", INTERNAL);

        ScaleSetException e = failure(f, call);

        assertInstanceOf(ScaleSetException.Transient.class, e);
        assertEquals("InternalExecutionError", e.details().code());
        assertNotNull(e.correlationId());
        assertThat(e.getMessage(), allOf(containsString(call.operation), containsString(INTERNAL)));
        notAsAsked(f, call);
    }

    private static ScaleSetException failure(ArmFixture f, Call call) {
        Throwable e = assertThrows(Throwable.class, () -> call.call.apply(f).await().atMost(AWAIT),
                "the operation did not end Succeeded: the call must fail");
        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
        return assertInstanceOf(ScaleSetException.class, cause);
    }

    /** The fake leaves the instances as a failed operation would: what was asked did not happen. */
    private static void notAsAsked(ArmFixture f, Call call) {
        List<FakeScaleSet.Instance> instances = f.fakeSet.instances();
        switch (call) {
            case SET_CAPACITY -> assertEquals(List.of("Succeeded", "Succeeded", "Failed"), states(instances));
            case REIMAGE -> assertEquals(List.of("Failed", "Succeeded"), states(instances));
            case DELETE -> {
                assertEquals(List.of("Succeeded", "Failed"), states(instances));
                assertEquals(2, f.fakeSet.capacity());
            }
        }
    }

    private static List<String> states(List<FakeScaleSet.Instance> instances) {
        return instances.stream().map(FakeScaleSet.Instance::provisioningState).toList();
    }
}
