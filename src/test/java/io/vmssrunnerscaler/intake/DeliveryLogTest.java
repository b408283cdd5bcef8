package io.vmssrunnerscaler.intake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {

    @Test
    void remembersIdsUntilForgottenAndStaysWithinItsSize() {
        DeliveryLog log = new DeliveryLog(100, Duration.ofHours(1));
        assertTrue(log.firstTime("a"));
        assertFalse(log.firstTime("a"));
        log.forget("a");
        assertTrue(log.firstTime("a"));

        for (int i = 0; i < 10_000; i++) {
            log.firstTime("id-" + i);
        }

        assertTrue(log.size() <= 100, "remembers " + log.size());
        assertTrue(log.size() >= 50, "remembers only " + log.size());
    }
}
