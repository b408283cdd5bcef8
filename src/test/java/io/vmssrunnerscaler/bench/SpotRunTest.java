package io.vmssrunnerscaler.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import io.vmssrunnerscaler.pool.LossPolicy;
import io.vmssrunnerscaler.sim.SimSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * bench/policy's {@code spot} runs on a short trace: with evictions, every job still succeeds once
 * (the lost ones by their re-run, counted in their wait) and the Spot scale set is cheaper per
 * minute; without, nothing is lost. Virtual time: about a second each.
 */
class SpotRunTest {
    private static final Trace TRACE = Trace.steady("short-spot", 3, Duration.ofMinutes(60), Duration.ofMinutes(2),
            Duration.ofMinutes(6), 17);
    private static final PolicyRun.Settings SETTINGS = PolicyRun.Settings.defaults().withDrain(Duration.ofMinutes(40));
    private static final LossPolicy RERUN = new LossPolicy(true, 100);

    @Test
    void withEvictionsEveryJobStillSucceedsOnceAndTheLostOnesWaitForTheirReRun() {
        SpotRun.Result calm = SpotRun.run(TRACE, SETTINGS, SimSettings.Losses.NONE, RERUN);
        SpotRun.Result stormy = SpotRun.run(TRACE, SETTINGS,
                SimSettings.Losses.NONE.withEvictions(0.2).withStorm(Duration.ofMinutes(40), 0.5), RERUN);

        assertThat(calm.jobs(), greaterThan(100));
        assertThat(calm.failed() + calm.reruns() + calm.evictions() + calm.lostForGood(), equalTo(0));
        assertThat(calm.instanceMinutes().get(SpotRun.REGULAR), closeTo(0, 1e-9)); // never spilled over

        assertThat(stormy.jobs(), equalTo(calm.jobs()));
        assertThat(stormy.evictions(), greaterThan(3));
        assertThat(stormy.failed(), greaterThan(0));
        assertThat("every failed job re-run once", stormy.reruns(), equalTo(stormy.failed()));
        assertThat(stormy.lostForGood(), equalTo(0));
        assertThat(stormy.cutOff(), equalTo(0));
        assertThat("a re-run job waited past GitHub's lost-runner timeout", stormy.waits().get(stormy.waits().size() - 1),
                greaterThan((double) SimSettings.Losses.GITHUB_LOST_RUNNER.toSeconds()));
        assertThat("capacity went to Regular after the storm", stormy.instanceMinutes().get(SpotRun.REGULAR),
                greaterThan(0.0));
        assertThat(stormy.cost(0.2), lessThan(stormy.cost(1.0)));
    }
}
