package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.shell.JobJourneys;
import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.SpanningPool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Each pool's recent per-stage latency (p50/p95 over its last jobs) and scale-set calls, for the
 * status page. Stages in the order a job goes through them; seconds.
 */
@Path("/status/latency")
@Produces(MediaType.APPLICATION_JSON)
public class LatencyResource {
    private final PoolDirectory directory;

    LatencyResource(PoolDirectory directory) {
        this.directory = directory;
    }

    public record Latency(List<JobJourneys.PoolLatency> pools) {}

    @GET
    public Latency latency() {
        return new Latency(directory.pools().stream().map(SpanningPool::name).map(directory::latency).toList());
    }
}
