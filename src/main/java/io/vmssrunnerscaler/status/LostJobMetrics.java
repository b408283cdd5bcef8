package io.vmssrunnerscaler.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.vmssrunnerscaler.shell.LostJobs;

/**
 * {@code scaler_lost_jobs_total{pool,reason}}: jobs lost with their runners (evicted, vanished,
 * runner-offline); {@code scaler_lost_job_outcomes_total{pool,outcome}}: what became of them
 * (rerun, not-rerun, succeeded, gave-up).
 */
public final class LostJobMetrics implements LostJobs.Listener {
    private final MeterRegistry registry;

    public LostJobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void lost(String pool, String reason) {
        registry.counter("scaler.lost.jobs", "pool", pool, "reason", reason).increment();
    }

    @Override
    public void outcome(String pool, LostJobs.Outcome outcome) {
        registry.counter("scaler.lost.job.outcomes", "pool", pool, "outcome", outcome.label()).increment();
    }
}
