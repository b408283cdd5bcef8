package io.vmssrunnerscaler.shell;

import java.util.Locale;

/**
 * The stages of a job's life, each from one milestone to the next. The stages up to
 * {@link #ASSIGNMENT} are its wait: they add up to the time from GitHub creating the job to a
 * runner starting it, every second in exactly one of them.
 */
public enum JobStage {
    /** GitHub created the job ({@code workflow_job.created_at}) until its delivery reached the scaler. */
    WEBHOOK,
    /** The delivery until capacity was asked for (or until the delivery, when an idle runner was ready). */
    SCHEDULING,
    /** Capacity asked for until the instance the job ran on was created: the Azure budget and the scale-set call. */
    PROVISIONING,
    /** The instance created until its runner fetched its configuration: the VM's boot and cloud-init. */
    BOOT,
    /** The configuration fetched until the runner was online at GitHub. */
    REGISTRATION,
    /** The runner online (or ready before the job came) until GitHub started the job on it. */
    ASSIGNMENT,
    /** The job started until it completed. */
    RUN,
    /** The job completed until its instance was re-imaged or deleted. */
    RECYCLE;

    /** The name in metrics, traces and the status page. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Part of the job's wait for a runner. */
    public boolean waiting() {
        return compareTo(ASSIGNMENT) <= 0;
    }
}
