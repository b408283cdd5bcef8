package io.vmssrunnerscaler.shell;

/**
 * Which runner a VM is, as its one-time configuration made it and its hook token says: the pool
 * (scale set) loop it belongs to, its instance there, and its runner name.
 */
public record RunnerIdentity(String pool, String instanceId, String runnerName) {}
