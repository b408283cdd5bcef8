package io.vmssrunnerscaler.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Drives the built-in simulator: add a burst of jobs, read what happened. Every refusal says why,
 * in the same JSON shape as the scaler's other answers.
 */
@Path("/sim")
@Produces(MediaType.APPLICATION_JSON)
public class SimResource {
    static final int MAX_BURST = 1000;
    static final int MAX_BODY = 16 * 1024;
    private final RunningSimulation simulation;
    private final ObjectReader bursts;

    SimResource(RunningSimulation simulation, ObjectMapper json) {
        this.simulation = simulation;
        this.bursts = json.readerFor(Burst.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** A burst of jobs. {@code labels} empty: drawn from the workload's mix. */
    public record Burst(Integer count, List<String> labels, Integer durationSeconds) {}

    /** The simulator's answer: {@code accepted}, {@code invalid}, {@code unserved} or {@code not-running}, and why. */
    public record Answer(String outcome, String reason, Burst burst) {}

    /**
     * What the simulated GitHub has seen, named so as not to be read as {@code GET /pools}'s
     * fields: jobs {@code submitted} ever, {@code started}, {@code completed}, and {@code waiting}
     * (submitted, not started yet).
     */
    public record Summary(long submitted, long started, long completed, long waiting, long busyInstancesTouched,
            long capacityCalls, long reimageRequests, long deleteRequests) {}

    @POST
    @Path("/jobs")
    @Consumes(MediaType.WILDCARD)
    public Response jobs(String body) {
        Optional<SimWorkload> running = simulation.workload();
        if (running.isEmpty()) {
            return answer(404, "not-running", "the simulator runs only with scaler.cloud=simulated", null);
        }
        Burst burst;
        try {
            burst = parse(body);
        } catch (IllegalArgumentException e) {
            return answer(400, "invalid", e.getMessage(), null);
        }
        List<String> labels = burst.labels() == null ? List.of() : burst.labels();
        Optional<String> problem = problem(burst, labels);
        if (problem.isPresent()) {
            return answer(400, "invalid", problem.get(), null);
        }
        Optional<String> unserved = running.get().unserved(Set.copyOf(labels));
        if (unserved.isPresent()) {
            return answer(400, "unserved", unserved.get(), null);
        }
        running.get().burst(burst.count(), Set.copyOf(labels),
                burst.durationSeconds() == null ? null : Duration.ofSeconds(burst.durationSeconds()));
        return answer(202, "accepted", burst.count() + " job(s) submitted", burst);
    }

    private Burst parse(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("a JSON object is needed: {\"count\": 1..." + MAX_BURST
                    + ", \"labels\": [...], \"durationSeconds\": 1...86400}");
        }
        if (body.length() > MAX_BODY) {
            throw new IllegalArgumentException("the body is at most " + MAX_BODY + " characters");
        }
        try {
            Burst burst = bursts.readValue(body);
            if (burst == null) {
                throw new IllegalArgumentException("a JSON object is needed, not null");
            }
            return burst;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field '" + e.getPropertyName()
                    + "': the fields are count, labels and durationSeconds");
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body at length; keep its first line, strings elided.
            throw new IllegalArgumentException("the body is not a burst of jobs ("
                    + e.getOriginalMessage().replaceAll("[\\r\\n].*", "").replaceAll("\"[^\"]*\"", "\"...\"") + ")");
        }
    }

    private static Optional<String> problem(Burst burst, List<String> labels) {
        if (burst.count() == null || burst.count() < 1 || burst.count() > MAX_BURST) {
            return Optional.of("count must be between 1 and " + MAX_BURST + ", got " + burst.count());
        }
        if (burst.durationSeconds() != null && (burst.durationSeconds() < 1 || burst.durationSeconds() > 86_400)) {
            return Optional.of("durationSeconds must be between 1 and 86400, got " + burst.durationSeconds());
        }
        if (labels.stream().anyMatch(l -> l == null || l.isBlank() || l.length() > 100)) {
            return Optional.of("labels must be non-blank and at most 100 characters");
        }
        return Optional.empty();
    }

    private static Response answer(int status, String outcome, String reason, Burst burst) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new Answer(outcome, reason, burst)).build();
    }

    @GET
    @Path("/summary")
    public Response summary() {
        Optional<SimWorld> world = simulation.world();
        if (world.isEmpty()) {
            return answer(404, "not-running", "the simulator runs only with scaler.cloud=simulated", null);
        }
        SimEventLog log = world.get().log();
        long submitted = log.of(SimEvent.Kind.JOB_QUEUED).size();
        long started = log.of(SimEvent.Kind.JOB_STARTED).size();
        return Response.ok(new Summary(submitted, started, log.of(SimEvent.Kind.JOB_COMPLETED).size(), submitted - started,
                log.of(SimEvent.Kind.BUSY_INSTANCE_TOUCHED).size(), log.of(SimEvent.Kind.CAPACITY_SET).size(),
                log.of(SimEvent.Kind.REIMAGE_REQUESTED).size(), log.of(SimEvent.Kind.DELETE_REQUESTED).size())).build();
    }
}
