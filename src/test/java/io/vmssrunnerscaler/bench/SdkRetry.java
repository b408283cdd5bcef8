package io.vmssrunnerscaler.bench;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.time.TimeSource;
import io.vmssrunnerscaler.sim.SimulatedThrottled;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Azure SDK's default handling of a throttled call, as the original design got it without
 * asking: a 429 is tried again after sleeping its {@code Retry-After}, up to {@code tries} tries in
 * all; other failures are not retried here (the original design's handlers simply stopped).
 */
final class SdkRetry {
    /** Tries in all (the first and two retries), as the issue describes the SDK default the seed ran with. */
    static final int DEFAULT_TRIES = 3;

    private final TimeSource time;
    private final int tries;
    private long retries;

    SdkRetry(TimeSource time, int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries >= 1: " + tries);
        }
        this.time = time;
        this.tries = tries;
    }

    /** Retries made so far (each after sleeping a Retry-After). */
    long retries() {
        return retries;
    }

    <T> Uni<T> call(Supplier<Uni<T>> call) {
        return attempt(call, 1);
    }

    private <T> Uni<T> attempt(Supplier<Uni<T>> call, int attempt) {
        return Uni.createFrom().deferred(call::get).onFailure(SimulatedThrottled.class).recoverWithUni(e -> {
            if (attempt >= tries) {
                return Uni.createFrom().failure(e);
            }
            retries++;
            Duration retryAfter = ((SimulatedThrottled) e).retryAfter();
            return Uni.createFrom().<Boolean>emitter(em -> time.schedule(retryAfter, () -> em.complete(Boolean.TRUE)))
                    .flatMap(x -> attempt(call, attempt + 1));
        });
    }
}
