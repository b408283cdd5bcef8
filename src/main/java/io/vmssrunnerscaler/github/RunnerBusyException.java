package io.vmssrunnerscaler.github;

/** GitHub refused to remove a runner because it is running a job. */
public final class RunnerBusyException extends RuntimeException {
    public RunnerBusyException(String runnerName) {
        super("runner " + runnerName + " is running a job");
    }
}
