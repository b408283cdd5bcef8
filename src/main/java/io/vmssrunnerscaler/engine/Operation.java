package io.vmssrunnerscaler.engine;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A call on the scale set that the engine decided and has not heard back from.
 *
 * @param id engine-assigned, increasing per pool; results refer to it
 * @param kind what the call does
 * @param instanceIds the instances it acts on, in Azure's numeric order (empty for capacity and list)
 * @param capacity the target capacity for {@link Kind#SET_CAPACITY}, else 0
 * @param since when it was decided
 */
public record Operation(long id, Kind kind, List<String> instanceIds, int capacity, Instant since) {

    /** Azure instance ids are decimal numbers; order them as numbers. */
    public static final Comparator<String> INSTANCE_ID_ORDER =
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    public enum Kind {
        SET_CAPACITY,
        REIMAGE,
        DELETE,
        LIST,
        /** Removing an idle runner at GitHub before its VM goes; answered by RunnerRemoved / RunnerRemovalRefused. */
        DRAIN
    }

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(since, "since");
        instanceIds = instanceIds.stream().distinct().sorted(INSTANCE_ID_ORDER).toList();
    }
}
