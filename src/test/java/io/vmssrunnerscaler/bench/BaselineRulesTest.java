package io.vmssrunnerscaler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.bench.BaselineRules.AfterJob;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The original design's arithmetic, as the benchmarks' baseline applies it. */
class BaselineRulesTest {

    @ParameterizedTest(name = "busy {0}, free {1}% -> {2}")
    @CsvSource({"0,25,0", "1,25,2", "4,25,5", "5,25,7", "8,25,10", "3,0,3", "3,100,6", "7,10,8"})
    void ceilingOfBusyWithFreePercent(int busy, int free, int expected) {
        assertEquals(expected, BaselineRules.withFree(busy, free));
    }

    @ParameterizedTest(name = "start: busy {0}, max {1}, non-failed {2}, failed {3} -> capacity {4}")
    @CsvSource({
        "1,10,1,0,2",    // the first job on the only runner: one more
        "4,10,5,0,-1",   // target 5 is not above 5 live: no change
        "4,10,4,2,7",    // target 5 above 4 live: capacity 5 plus the 2 failed ones
        "20,10,9,0,10",  // capped at max
        "20,10,10,0,-1", // at max already
    })
    void growsOnlyWhenTheTargetExceedsTheLiveInstances(int busy, int max, int nonFailed, int failed, int capacity) {
        assertEquals(capacity, BaselineRules.capacityOnStart(busy, 25, max, nonFailed, failed));
    }

    @ParameterizedTest(name = "end: busy {0}, min {1}, non-failed {2} -> {3}")
    @CsvSource({
        "0,1,1,REIMAGE", // the last runner is kept at min
        "0,1,2,DELETE",
        "3,1,4,REIMAGE", // target ceil(3.75) = 4 >= 4
        "3,1,5,DELETE",
        "0,3,3,REIMAGE", // min counts
        "50,1,12,DELETE", // target capped at max 10 is below 12
    })
    void reimagesWhileTheTargetNeedsEveryInstanceElseDeletes(int busy, int min, int nonFailed, String expected) {
        assertEquals(AfterJob.valueOf(expected), BaselineRules.afterJob(busy, 25, min, 10, nonFailed));
    }

    @Test
    void busyMessagesExpireAfterTheirTimeToLive() {
        Instant t0 = Instant.parse("2026-01-05T00:00:00Z");
        BusyQueue queue = new BusyQueue(Duration.ofHours(1));
        queue.add("a", t0);
        queue.add("b", t0.plusSeconds(600));
        assertEquals(2, queue.count(t0.plusSeconds(601)));
        assertEquals(1, queue.count(t0.plusSeconds(3600)), "a's message expired after 1 h although its job may still run");
        queue.delete("b");
        assertEquals(0, queue.count(t0.plusSeconds(3601)));
    }
}
