package io.vmssrunnerscaler.sim;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Drives the built-in simulator: add a burst of jobs, read what happened. */
@Path("/sim")
@Produces(MediaType.APPLICATION_JSON)
public class SimResource {
    static final int MAX_BURST = 1000;
    private final RunningSimulation simulation;

    SimResource(RunningSimulation simulation) {
        this.simulation = simulation;
    }

    /** A burst of jobs. {@code labels} empty: drawn from the workload's mix. */
    public record Burst(Integer count, List<String> labels, Integer durationSeconds) {}

    public record Summary(long queued, long started, long completed, long waiting, long busyInstancesTouched,
            long capacityCalls, long reimageRequests, long deleteRequests) {}

    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response jobs(Burst burst) {
        SimWorkload workload = simulation.workload().orElseThrow(() -> new NotFoundException("the simulator is not running"));
        if (burst == null || burst.count() == null || burst.count() < 1 || burst.count() > MAX_BURST) {
            throw new BadRequestException("count must be between 1 and " + MAX_BURST);
        }
        if (burst.durationSeconds() != null && (burst.durationSeconds() < 1 || burst.durationSeconds() > 86_400)) {
            throw new BadRequestException("durationSeconds must be between 1 and 86400");
        }
        List<String> labels = burst.labels() == null ? List.of() : burst.labels();
        if (labels.stream().anyMatch(l -> l == null || l.isBlank() || l.length() > 100)) {
            throw new BadRequestException("labels must be non-blank and at most 100 characters");
        }
        workload.burst(burst.count(), Set.copyOf(labels),
                burst.durationSeconds() == null ? null : Duration.ofSeconds(burst.durationSeconds()));
        return Response.accepted(burst).build();
    }

    @GET
    @Path("/summary")
    public Summary summary() {
        SimEventLog log = simulation.world().orElseThrow(() -> new NotFoundException("the simulator is not running")).log();
        long queued = log.of(SimEvent.Kind.JOB_QUEUED).size();
        long started = log.of(SimEvent.Kind.JOB_STARTED).size();
        return new Summary(queued, started, log.of(SimEvent.Kind.JOB_COMPLETED).size(), queued - started,
                log.of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED).size(), log.of(SimEvent.Kind.CAPACITY_SET).size(),
                log.of(SimEvent.Kind.REIMAGE_REQUESTED).size(), log.of(SimEvent.Kind.DELETE_REQUESTED).size());
    }
}
