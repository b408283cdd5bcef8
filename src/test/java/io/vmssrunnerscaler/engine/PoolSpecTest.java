package io.vmssrunnerscaler.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolSpecTest {

    @ParameterizedTest(name = "min {0}, max {1}, free {2}% is valid")
    @CsvSource({
        "0, 1, 0",
        "1, 4, 25",
        "4, 4, 0",
        "0, 100, 1000",
        "0, 1, 2147483647",
    })
    void acceptsSaneSizing(int min, int max, int free) {
        assertDoesNotThrow(() -> Pools.spec().min(min).max(max).free(free).build());
    }

    @ParameterizedTest(name = "min {0}, max {1}, free {2}% is rejected")
    @CsvSource({
        "5, 4, 25",   // min > max
        "2, 1, 0",    // min > max
        "0, 0, 0",    // max < 1
        "1, 0, 25",   // max < 1 (and min > max)
        "0, -1, 0",   // max < 1
        "-1, 4, 25",  // negative min
        "1, 4, -1",   // negative percent
        "0, 4, -2147483648",
    })
    void rejectsInvalidSizing(int min, int max, int free) {
        assertThrows(IllegalArgumentException.class, () -> Pools.spec().min(min).max(max).free(free).build());
    }

    @Test
    void labelsAreLowerCased() {
        assertEquals(Set.of("self-hosted", "linux"), Pools.seed().labels());
    }

    @ParameterizedTest(name = "min {0}, max {1}, free {2}%: demand {3} -> {4}")
    @CsvSource({
        // the seed: min 1, max 4, 25 % free
        "1, 4, 25, 0, 1",
        "1, 4, 25, 1, 2",
        "1, 4, 25, 2, 3",
        "1, 4, 25, 3, 4",
        "1, 4, 25, 4, 4",   // 5 wanted, capped
        "1, 4, 25, 5, 4",
        "1, 4, 25, 100, 4",
        // scale to zero and from zero
        "0, 4, 25, 0, 0",
        "0, 4, 25, 1, 2",
        // no free target: exactly the demand
        "0, 10, 0, 0, 0",
        "0, 10, 0, 7, 7",
        "0, 10, 0, 11, 10",
        // rounding is always up
        "0, 1000, 1, 1, 2",
        "0, 1000, 1, 100, 101",
        "0, 1000, 33, 3, 4",
        "0, 1000, 33, 100, 133",
        "0, 1000, 50, 1, 2",
        "0, 1000, 50, 2, 3",
        // min above the demand
        "3, 10, 25, 1, 3",
        "3, 10, 25, 3, 4",
        // large percentages
        "0, 50, 100, 3, 6",
        "0, 100, 1000, 1, 11",
        "0, 100, 1000, 9, 99",
        "0, 100, 1000, 10, 100",
        "0, 100, 1000, 20, 100",
        "0, 1000, 2147483647, 0, 0",
        "0, 1000, 2147483647, 1, 1000",
        "1, 2147483647, 2147483647, 1, 21474838",
        "0, 2147483647, 25, 2147483647, 2147483647",
    })
    void desiredIsTheFreeTargetOnTheDemandClampedToMinAndMax(int min, int max, int free, int demand, int desired) {
        PoolSpec spec = Pools.spec().min(min).max(max).free(free).build();
        assertEquals(desired, spec.desiredFor(demand));
    }
}
