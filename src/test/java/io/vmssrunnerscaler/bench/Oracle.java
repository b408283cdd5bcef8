package io.vmssrunnerscaler.bench;

import java.time.Duration;

/**
 * The physical limits of a trace, computed from it and the simulated Azure's timings, with no
 * simulation: what no policy can beat on those timings.
 * <ul>
 * <li><b>oracle</b>: knows every arrival in advance and has a VM booted for each job just in time:
 * wait 0; cost per job = boot + the job's run time.</li>
 * <li><b>jit</b> (the just-in-time reactive bound): learns of a job when it is queued and asks for
 * a VM at once, one VM per job: wait = the time from that call to a runner that can take the job
 * ({@code reactiveWait}: the capacity call, provisioning, the runner's start); same cost as the
 * oracle.</li>
 * </ul>
 * Boot, as cost, is the time an instance exists before its runner takes a job (provisioning and the
 * runner's start); the capacity call's own time is no instance time. The policies' simulated costs
 * include what these bounds leave out: the pool's minimum kept through warm-up and drain, idle time,
 * and the re-image or delete after each job.
 *
 * <p>The oracle's wait is 0, so a wait "as a ratio to the oracle" has no meaning; the benchmarks
 * divide waits by {@code jit}'s instead (1.0 = as fast as any reactive policy can be; below 1 only
 * by having runners ready before the jobs come) and also print the excess over it in seconds.
 *
 * @param jobs                  jobs in the trace
 * @param reactiveWaitSeconds   the jit bound's wait for every job
 * @param instanceMinutesPerJob the cost per job of both bounds
 */
record Oracle(int jobs, double reactiveWaitSeconds, double instanceMinutesPerJob) {

    /** Both bounds for {@code trace}, with the simulated Azure's timings in {@code settings}. */
    static Oracle of(Trace trace, PolicyRun.Settings settings) {
        Duration boot = settings.provisioningDelay().plus(settings.runnerStartDelay());
        return of(trace, boot, settings.capacityDelay().plus(boot));
    }

    static Oracle of(Trace trace, Duration boot, Duration reactiveWait) {
        double minutes = 0;
        for (Trace.Arrival a : trace.arrivals()) {
            minutes += boot.plus(a.duration()).toMillis() / 60_000.0;
        }
        int jobs = trace.arrivals().size();
        return new Oracle(jobs, reactiveWait.toMillis() / 1000.0, jobs == 0 ? 0 : minutes / jobs);
    }

    /** Total instance-minutes of either bound. */
    double instanceMinutes() {
        return instanceMinutesPerJob * jobs;
    }
}
