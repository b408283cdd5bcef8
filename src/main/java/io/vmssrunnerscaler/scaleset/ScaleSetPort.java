package io.vmssrunnerscaler.scaleset;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.CallAllowance;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.Operation;
import java.util.List;

/**
 * The scale-set calls the engine's commands need. Each Uni completes when the (long-running)
 * operation is done; implementations must never block the calling thread.
 */
public interface ScaleSetPort {

    /** All instances of the scale set (every page), with provisioning state and computer name. */
    Uni<List<ObservedInstance>> list(ScaleSetRef scaleSet);

    /** Sets {@code sku.capacity}. The engine only ever raises it. */
    Uni<Void> setCapacity(ScaleSetRef scaleSet, int capacity);

    /** Re-images these instances in one call. */
    Uni<Void> reimage(ScaleSetRef scaleSet, List<String> instanceIds);

    /** Deletes these instances in one call (capacity drops with them). */
    Uni<Void> delete(ScaleSetRef scaleSet, List<String> instanceIds);

    /**
     * What this scale set's call budget allows now for one kind of call ({@code LIST},
     * {@code SET_CAPACITY}, {@code REIMAGE}, {@code DELETE}), so that the caller can hold calls
     * back and send everything pending in one call once a token is free, instead of having calls
     * queue behind each other. Unlimited where the port keeps no budget.
     */
    default CallAllowance allowance(ScaleSetRef scaleSet, Operation.Kind kind) {
        return CallAllowance.UNLIMITED;
    }
}
