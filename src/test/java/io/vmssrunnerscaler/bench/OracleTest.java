package io.vmssrunnerscaler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The physical limits of a trace, from the trace and the timings alone. */
class OracleTest {

    @Test
    void costIsBootPlusRunTimePerJobAndTheReactiveWaitIsTheWholeBoot() {
        Trace trace = new Trace("tiny", Duration.ofMinutes(10), List.of(
                new Trace.Arrival(Duration.ZERO, Duration.ofMinutes(3)),
                new Trace.Arrival(Duration.ofMinutes(1), Duration.ofMinutes(5))));
        PolicyRun.Settings settings = PolicyRun.Settings.defaults().withDelays(Duration.ofSeconds(90), Duration.ofSeconds(60));

        Oracle o = Oracle.of(trace, settings);

        // boot as cost: provisioning 90 s + runner start 5 s = 95 s; (95 + 180) + (95 + 300) = 670 s for 2 jobs
        assertEquals(2, o.jobs());
        assertEquals(670.0 / 60 / 2, o.instanceMinutesPerJob(), 1e-9);
        assertEquals(670.0 / 60, o.instanceMinutes(), 1e-9);
        // reacting at the queued event: capacity call 5 s + provisioning 90 s + runner start 5 s
        assertEquals(100.0, o.reactiveWaitSeconds(), 1e-9);
    }

    @Test
    void anEmptyTraceCostsNothing() {
        Oracle o = Oracle.of(new Trace("none", Duration.ofMinutes(1), List.of()), Duration.ofSeconds(95),
                Duration.ofSeconds(100));
        assertEquals(0, o.jobs());
        assertEquals(0.0, o.instanceMinutesPerJob());
    }

    @Test
    void waitsAreComparedToTheReactiveBoundAndCostToTheOracle() {
        Oracle o = new Oracle(10, 100, 8);
        assertEquals(1.0, Report.ratio(100, o.reactiveWaitSeconds()));
        assertEquals(1.5, Report.ratio(12, o.instanceMinutesPerJob()));
    }
}
