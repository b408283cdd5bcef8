package io.vmssrunnerscaler.github;

/** A one-time (JIT) runner configuration, to be passed to {@code run.sh --jitconfig}. Secret. */
public record RunnerConfig(long runnerId, String encodedJitConfig) {
    @Override
    public String toString() {
        return "RunnerConfig[runnerId=" + runnerId + ", encodedJitConfig=***]";
    }
}
