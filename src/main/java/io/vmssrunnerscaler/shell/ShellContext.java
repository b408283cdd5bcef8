package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.github.GitHubPort;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import java.time.Duration;

/** What every pool loop shares: time, the ports, and the shell's settings. */
public record ShellContext(TimeSource time, ScaleSetPort scaleSet, BusyStore busyStore, GitHubPort gitHub,
        Duration batchWindow, int inboxLimit, boolean registrationTokens) {}
