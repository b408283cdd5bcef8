package io.vmssrunnerscaler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The adaptive idle target: the Poisson quantile of the arrivals expected within one boot time. */
class AdaptiveIdleTest {

    @ParameterizedTest(name = "Poisson({0}) at {1}: {2}")
    @CsvSource({
        "0,    0.95, 0",
        "0.45, 0.95, 2",  // P(N<=1) = 0.925, P(N<=2) = 0.989
        "1,    0.95, 3",  // P(N<=2) = 0.920, P(N<=3) = 0.981
        "1,    0.5,  1",
        "12,   0.95, 18", // P(N<=17) = 0.937, P(N<=18) = 0.963
        "12,   0.99, 21",
    })
    void isTheSmallestCountThatCoversTheQuantile(double mean, double quantile, int expected) {
        assertEquals(expected, AdaptiveIdle.poissonQuantile(mean, quantile));
    }

    @Test
    void aLargeMeanDoesNotUnderflow() {
        int k = AdaptiveIdle.poissonQuantile(1000, 0.95); // about 1000 + 1.645 x sqrt(1000) = 1052
        assertTrue(k >= 1050 && k <= 1054, "got " + k);
    }

    @Test
    void theRateOverTheWindowTimesTheBootTimeIsTheMean() {
        AdaptiveIdle rule = new AdaptiveIdle(true, Duration.ofMinutes(10), Duration.ofSeconds(120), 0.95);
        assertEquals(10.0, rule.expectedWithinBoot(50), 1e-9, "5 a minute for 2 minutes");
        assertEquals(15, rule.target(50), "Poisson(10) at 0.95");
    }
}
