package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What every pool loop shares: time, the ports, and the shell's settings.
 *
 * @param loopExecutor where each pool's loop runs its events, one at a time: callers that offer an
 *     event return at once instead of doing the engine's work for everyone queued behind them. A
 *     direct executor (the short constructor) runs it on the caller, for the virtual clock.
 */
public record ShellContext(TimeSource time, ScaleSetPort scaleSet, BusyStore busyStore, GitHubPort gitHub,
        Duration batchWindow, int inboxLimit, boolean registrationTokens, Executor loopExecutor) {

    public ShellContext(TimeSource time, ScaleSetPort scaleSet, BusyStore busyStore, GitHubPort gitHub,
            Duration batchWindow, int inboxLimit, boolean registrationTokens) {
        this(time, scaleSet, busyStore, gitHub, batchWindow, inboxLimit, registrationTokens, Runnable::run);
    }
}
