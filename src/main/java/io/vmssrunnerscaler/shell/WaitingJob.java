package io.vmssrunnerscaler.shell;

import java.time.Instant;

/**
 * A job waiting for a runner, the stage it is in, and why it is held up.
 *
 * @param stage capacity (none asked for yet), provisioning (Azure creates the instance), booting
 *     (the VM boots; no configuration fetched yet), registering (configured, not yet seen online),
 *     assigning (a runner is online; GitHub has to hand it the job)
 * @param reason why it waits, when something holds it up: paused, at max, capacity refused, the
 *     Azure budget, a back-off after failed calls, a draining scale set; null when nothing does
 */
public record WaitingJob(long jobId, String repository, Instant since, double waitedSeconds, String stage,
        String reason) {

    public static final String CAPACITY = "capacity";
    public static final String PROVISIONING = "provisioning";
    public static final String BOOTING = "booting";
    public static final String REGISTERING = "registering";
    public static final String ASSIGNING = "assigning";
}
