package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vmssrunnerscaler.github.GitHubSite;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.shell.ConfigAnswer;
import io.vmssrunnerscaler.shell.IntakeOutcome;
import io.vmssrunnerscaler.shell.JobIntake;
import io.vmssrunnerscaler.shell.PoolLoop;
import io.vmssrunnerscaler.shell.RunnerIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The endpoints runner VMs call: a nonce and then their one-time configuration at boot, and the
 * job-started / job-completed hooks. Only from the allowed networks; the configuration only for an
 * attested document that names the instance's VM (unless attestation is off); hooks only with the
 * token handed out with the configuration, bound to that instance.
 */
@Path("/runners/{name}")
public class RunnerResource {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RunnerResource.class);
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    private final JobIntake intake;
    private final IntakeKeys keys;
    private final SourceNetworks runnerNetworks;
    private final MeterRegistry metrics;
    private final GitHubSite gitHub;
    private final RunnerAttestation attestation;

    RunnerResource(JobIntake intake, IntakeKeys keys, SourceNetworks runnerNetworks, MeterRegistry metrics,
            GitHubSite gitHub, RunnerAttestation attestation) {
        this.intake = intake;
        this.keys = keys;
        this.runnerNetworks = runnerNetworks;
        this.metrics = metrics;
        this.gitHub = gitHub;
        this.attestation = attestation;
    }

    /** A nonce to put into the attested document: {@code {"nonce", "expiresAt"}}, or KEY=value lines. */
    public record NonceAnswer(String nonce, Instant expiresAt) {
        String asEnv() {
            return "NONCE=" + nonce + "\nEXPIRES_AT=" + expiresAt + "\n";
        }
    }

    /** What a VM gets: JSON, or {@code KEY=value} lines for {@code Accept: text/plain} (easy in a shell). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunnerSetup(String runnerName, String pool, String instanceId, Long runnerId, String encodedJitConfig,
            String registrationToken, String url, String labels, String hookToken) {

        String asEnv() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("RUNNER_NAME", runnerName);
            env.put("POOL", pool);
            env.put("ENCODED_JIT_CONFIG", encodedJitConfig);
            env.put("REGISTRATION_TOKEN", registrationToken);
            env.put("RUNNER_URL", url);
            env.put("RUNNER_LABELS", labels);
            env.put("HOOK_TOKEN", hookToken);
            return env.entrySet().stream().filter(e -> e.getValue() != null)
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
        }
    }

    @POST
    @Path("/nonce")
    @NonBlocking
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Response nonce(@PathParam("name") String name, @HeaderParam("Accept") String accept,
            @Context HttpServerRequest request) {
        Optional<Response> refused = refuse(name, request);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!attestation.required()) {
            return nonceCounted("attestation-off", status(Response.Status.NOT_FOUND, "attestation-off",
                    "the scaler runs without attestation (scaler.runners.attestation=off): ask for the configuration directly"));
        }
        Optional<AttestationNonces> nonces = attestation.nonces();
        if (nonces.isEmpty()) {
            return nonceCounted("starting", status(Response.Status.SERVICE_UNAVAILABLE, "starting", "the scaler is starting; retry"));
        }
        AttestationNonces.Issue issue = nonces.get().issue(name, source(request), Instant.now());
        if (issue instanceof AttestationNonces.Issue.RateLimited limited) {
            long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            return nonceCounted("rate-limited", Response.fromResponse(status(Response.Status.TOO_MANY_REQUESTS, "rate-limited",
                    "this address asked for nonces too often; retry after " + seconds + " s"))
                    .header("Retry-After", seconds).build());
        }
        if (issue instanceof AttestationNonces.Issue.Full) {
            return nonceCounted("full", status(Response.Status.SERVICE_UNAVAILABLE, "nonces-full",
                    "too many nonces wait to be used; retry"));
        }
        AttestationNonces.Issue.Issued issued = (AttestationNonces.Issue.Issued) issue;
        NonceAnswer answer = new NonceAnswer(issued.nonce(), issued.expiresAt());
        return nonceCounted("issued", plain(accept) ? Response.ok(answer.asEnv(), MediaType.TEXT_PLAIN_TYPE).build()
                : Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build());
    }

    /**
     * The VM's configuration, for the attested document in the body (the metadata service's JSON
     * answer, verbatim). Blocking: checking a certificate chain may fetch an intermediate.
     */
    @POST
    @Path("/jitconfig")
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Uni<Response> jitconfig(@PathParam("name") String name, @HeaderParam("Accept") String accept,
            @Context HttpServerRequest request, String body) {
        Optional<Response> refused = refuse(name, request);
        if (refused.isPresent()) {
            return Uni.createFrom().item(refused.get());
        }
        AttestedInstance proven = null;
        if (attestation.required()) {
            RunnerAttestation.Check check = attestation.check(name, body, Instant.now());
            if (check instanceof RunnerAttestation.Check.Refused r) {
                metrics.counter("scaler.attestation.refusals", "reason", r.outcome()).increment();
                return Uni.createFrom().item(status(Response.Status.fromStatusCode(r.status()), r.outcome(), r.reason()));
            }
            proven = ((RunnerAttestation.Check.Proven) check).instance();
        }
        boolean plain = plain(accept);
        return intake.requestRunnerConfig(name, proven)
                .map(answer -> configAnswer(answer, plain))
                .onFailure(PoolLoop.InboxFullException.class).recoverWithItem(e -> status(Response.Status.SERVICE_UNAVAILABLE,
                        "overloaded", e.getMessage()))
                .onFailure(PoolLoop.EngineFailedException.class).recoverWithItem(e -> status(Response.Status.SERVICE_UNAVAILABLE,
                        "engine-failed", "the scaler could not decide on this request (logged); retry"))
                .onFailure(PoolLoop.PoolStoppedException.class).recoverWithItem(e -> status(Response.Status.SERVICE_UNAVAILABLE,
                        "stopping", "the scaler is stopping; retry"))
                .onFailure().recoverWithItem(e -> status(Response.Status.SERVICE_UNAVAILABLE, "unavailable",
                        "GitHub did not hand out a configuration; retry"));
    }

    @POST
    @Path("/job-started")
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response jobStarted(@PathParam("name") String name, @HeaderParam("Authorization") String authorization,
            @Context HttpServerRequest request) {
        return hook(name, authorization, request, "job-started", intake::runnerJobStarted);
    }

    @POST
    @Path("/job-completed")
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response jobCompleted(@PathParam("name") String name, @HeaderParam("Authorization") String authorization,
            @Context HttpServerRequest request) {
        return hook(name, authorization, request, "job-completed", intake::runnerJobFinishing);
    }

    /**
     * The runner's VM saw the runner online at GitHub (its output said it listens for jobs);
     * authenticated by the instance's hook token like the job hooks. Changes no decision: it marks
     * where the job's wait went from registration to assignment.
     */
    @POST
    @Path("/online")
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response online(@PathParam("name") String name, @HeaderParam("Authorization") String authorization,
            @Context HttpServerRequest request) {
        return hook(name, authorization, request, "online", intake::runnerOnline);
    }

    /**
     * The VM's watcher of Azure's scheduled events says Azure takes the VM away ({@code Preempt}
     * or {@code Terminate}); authenticated by the instance's hook token like the job hooks. The
     * runner is removed at GitHub, its capacity replaced at once, and a job on it recorded lost.
     */
    @POST
    @Path("/evicted")
    @NonBlocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response evicted(@PathParam("name") String name, @HeaderParam("Authorization") String authorization,
            @Context HttpServerRequest request, String body) {
        if (EvictionNotice.tooLarge(body)) {
            return counted("evicted", status(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "an eviction notice is at most " + EvictionNotice.MAX_BYTES + " bytes"));
        }
        EvictionNotice notice;
        try {
            notice = EvictionNotice.parse(body);
        } catch (EvictionNotice.Malformed e) {
            // Before the token: a body that is no notice costs no token check, and says nothing of the runner.
            return counted("evicted", status(Response.Status.BAD_REQUEST, "malformed", e.getMessage()));
        }
        return hook(name, authorization, request, "evicted", runner -> {
            LOG.warnf("runner %s (pool %s) announces %s of its VM (event %s, not before %s)", runner.runnerName(),
                    runner.pool(), notice.kind(), notice.eventId(), notice.notBefore());
            return intake.instanceEvicted(runner, notice.kind());
        });
    }

    private Response configAnswer(ConfigAnswer answer, boolean plain) {
        if (answer instanceof ConfigAnswer.Rejected r) {
            return switch (r.reason()) {
                case UNKNOWN_INSTANCE -> status(Response.Status.NOT_FOUND, "unknown-instance",
                        "no pool has a provisioning instance of this name (yet); retry shortly");
                case ALREADY_CONFIGURED -> status(Response.Status.CONFLICT, "already-configured",
                        "a configuration was already handed out since the last (re)image");
                case NOT_PROVISIONING -> status(Response.Status.CONFLICT, "not-provisioning",
                        "the instance is not waiting for a runner configuration");
                case VM_ID_NOT_LISTED -> status(Response.Status.NOT_FOUND, "not-listed",
                        "the instance's VM id is not listed yet; retry shortly with a new nonce");
                case WRONG_VM -> refusedProof();
            };
        }
        ConfigAnswer.Granted g = (ConfigAnswer.Granted) answer;
        RunnerIdentity r = g.runner();
        String token = keys.hookTokens().orElseThrow().issue(r.pool(), r.instanceId(), r.runnerName(), Instant.now());
        RunnerSetup setup = g.jitConfig() != null
                ? new RunnerSetup(r.runnerName(), r.pool(), r.instanceId(), g.jitConfig().runnerId(),
                        g.jitConfig().encodedJitConfig(), null, null, null, token)
                : new RunnerSetup(r.runnerName(), r.pool(), r.instanceId(), null, null, g.registration().token(),
                        gitHub.runnerUrl(g.scope()), String.join(",", g.labels()), token);
        count("config", "granted");
        return plain ? Response.ok(setup.asEnv(), MediaType.TEXT_PLAIN_TYPE).build()
                : Response.ok(setup, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A document of another VM: counted with the other refusals of proofs. */
    private Response refusedProof() {
        metrics.counter("scaler.attestation.refusals", "reason", "wrong-instance").increment();
        return status(Response.Status.FORBIDDEN, "wrong-instance", "the attested document names another VM than this instance's");
    }

    private static boolean plain(String accept) {
        return accept != null && accept.contains(MediaType.TEXT_PLAIN) && !accept.contains(MediaType.APPLICATION_JSON);
    }

    private Response nonceCounted(String outcome, Response response) {
        metrics.counter("scaler.attestation.nonces", "outcome", outcome).increment();
        return response;
    }

    private static String source(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    private Response hook(String name, String authorization, HttpServerRequest request, String kind,
            java.util.function.Function<RunnerIdentity, IntakeOutcome> deliver) {
        Optional<Response> refused = refuse(name, request);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return counted(kind, status(Response.Status.UNAUTHORIZED, "unauthenticated", "Authorization: Bearer <hook token> is required"));
        }
        Optional<HookTokens.Claims> claims = keys.hookTokens().orElseThrow().verify(authorization.substring(7).trim(), Instant.now());
        if (claims.isEmpty()) {
            return counted(kind, status(Response.Status.UNAUTHORIZED, "bad-token", "the hook token is not valid"));
        }
        if (!claims.get().runnerName().equalsIgnoreCase(name)) {
            return counted(kind, status(Response.Status.FORBIDDEN, "wrong-runner", "the token was issued to another runner"));
        }
        RunnerIdentity runner = new RunnerIdentity(claims.get().pool(), claims.get().instanceId(), name);
        IntakeOutcome outcome = deliver.apply(runner);
        IntakeAnswer answer = IntakeAnswer.of(outcome);
        Response.Status status = outcome instanceof IntakeOutcome.UnknownRunner ? Response.Status.NOT_FOUND
                : outcome instanceof IntakeOutcome.WrongInstance ? Response.Status.FORBIDDEN
                : outcome instanceof IntakeOutcome.Overloaded ? Response.Status.SERVICE_UNAVAILABLE
                : Response.Status.ACCEPTED;
        return counted(kind, Response.status(status).entity(answer).type(MediaType.APPLICATION_JSON_TYPE).build(), answer.outcome());
    }

    /** Source network and name checks shared by all runner endpoints. */
    private Optional<Response> refuse(String name, HttpServerRequest request) {
        if (keys.hookTokens().isEmpty()) {
            return Optional.of(status(Response.Status.SERVICE_UNAVAILABLE, "starting",
                    "the hook-token key has not been read from Key Vault yet; retry"));
        }
        if (!runnerNetworks.allows(source(request))) {
            return Optional.of(status(Response.Status.FORBIDDEN, "forbidden-network",
                    "source address is not in scaler.runners.allowed-networks"));
        }
        if (!name.matches(NAME)) {
            return Optional.of(status(Response.Status.BAD_REQUEST, "malformed", "runner name must match " + NAME));
        }
        return Optional.empty();
    }

    private Response counted(String kind, Response response) {
        return counted(kind, response, ((IntakeAnswer) response.getEntity()).outcome());
    }

    private Response counted(String kind, Response response, String outcome) {
        count(kind, outcome);
        return response;
    }

    private void count(String kind, String outcome) {
        metrics.counter("scaler.runner.calls", "kind", kind, "outcome", outcome).increment();
    }

    private static Response status(Response.Status status, String outcome, String reason) {
        return Response.status(status).entity(IntakeAnswer.error(reason).withOutcome(outcome))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
