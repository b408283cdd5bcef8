package io.vmssrunnerscaler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The actions-runner-controller peer's arithmetic: min + queued + busy, capped, no free share. */
class PeerRulesTest {

    @ParameterizedTest(name = "min {0}, max {1}, queued {2}, busy {3} -> {4}")
    @CsvSource({
        "1,100,0,0,1",     // idle: the minimum
        "1,100,3,0,4",     // every queued job gets a runner on top of min
        "1,100,3,5,9",     // busy runners count too; no free percentage
        "0,100,0,2,2",
        "2,10,20,5,10",    // capped at max
    })
    void desiredIsMinPlusQueuedPlusBusyCappedAtMax(int min, int max, int queued, int busy, int desired) {
        assertEquals(desired, PeerRules.desired(min, max, queued, busy));
    }

    @ParameterizedTest(name = "desired {0}, finished {1}, max {2} -> capacity {3}")
    @CsvSource({
        "5,0,100,5",
        "5,3,100,8",   // finished VMs count in Azure's capacity until their delete is accepted
        "9,3,10,10",   // never above max
    })
    void capacityAddsTheFinishedVmsNotYetDeleted(int desired, int finished, int max, int capacity) {
        assertEquals(capacity, PeerRules.capacityWanted(desired, finished, max));
    }

    @ParameterizedTest(name = "capacity {0}, finished {1}, desired {2} -> surplus {3}")
    @CsvSource({
        "10,2,5,3",
        "10,2,8,0",
        "4,0,9,0",
    })
    void surplusIsLiveAboveDesired(int capacity, int finished, int desired, int surplus) {
        assertEquals(surplus, PeerRules.surplus(capacity, finished, desired));
    }
}
