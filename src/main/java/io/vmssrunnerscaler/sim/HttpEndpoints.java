package io.vmssrunnerscaler.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.engine.PoolEvent.EvictionKind;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.RunnerConfig;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.github.WorkflowJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The simulator reaching the scaler over HTTP exactly as GitHub and runner VMs do: signed
 * {@code workflow_job} deliveries, and the runner endpoints with the hook token handed out with
 * the configuration. Asynchronous; nothing waits on a response.
 */
public final class HttpEndpoints implements ScalerEndpoints {
    private static final Logger LOG = Logger.getLogger(HttpEndpoints.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<URI> baseUri;
    private final WebhookSignature signature;
    /**
     * Built when the simulator first calls the scaler, after it is ready: a JSON mapper and an HTTP
     * client (TLS context included) cost about a third of a second of start-up on two cores.
     * Both are thread-safe and configured once; the holder class is loaded on first use.
     */
    private static final class Clients {
        static final ObjectMapper JSON = new ObjectMapper();
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }
    private final Map<String, String> hookTokens = new ConcurrentHashMap<>();
    private final Attestor attestor;

    /** The simulated instance metadata service of each VM: its attested document for a nonce. */
    @FunctionalInterface
    public interface Attestor {
        String attestedDocument(String runnerName, String vmId, String nonce);
    }

    /**
     * {@code baseUri} may answer null until the scaler's HTTP server listens; {@code attestor} null:
     * the VMs send no attested document (the scaler runs without attestation).
     */
    public HttpEndpoints(Supplier<URI> baseUri, String webhookSecret, Attestor attestor) {
        this.baseUri = baseUri;
        this.signature = new WebhookSignature(webhookSecret);
        this.attestor = attestor;
    }

    @Override
    public Uni<Integer> deliver(String deliveryId, WorkflowJob job) {
        byte[] body = WorkflowJobDelivery.body(job);
        HttpRequest.Builder request = request("/github/webhook")
                .header("Content-Type", "application/json")
                .header(GitHubHeaders.EVENT, "workflow_job")
                .header(GitHubHeaders.DELIVERY, deliveryId)
                .header(GitHubHeaders.SIGNATURE_256, signature.sign(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return Uni.createFrom().completionStage(() -> send(request, "webhook " + job.action() + " of job " + job.jobId()))
                .map(response -> response == null ? 0 : response.statusCode());
    }

    /** As a VM's boot step: a nonce, the metadata service's document holding it, then the configuration. */
    @Override
    public Uni<Optional<RunnerConfig>> requestRunnerConfig(String runnerName, String vmId) {
        if (attestor == null) {
            return jitconfig(runnerName, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest.Builder ask = request("/runners/" + runnerName + "/nonce")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.noBody());
        return Uni.createFrom().completionStage(() -> Clients.HTTP.sendAsync(ask.build(), HttpResponse.BodyHandlers.ofString()))
                .flatMap(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("nonce answered " + response.statusCode() + ": " + response.body());
                    }
                    String document = attestor.attestedDocument(runnerName, vmId, field(response.body(), "nonce"));
                    return jitconfig(runnerName, HttpRequest.BodyPublishers.ofString(document));
                });
    }

    private Uni<Optional<RunnerConfig>> jitconfig(String runnerName, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = request("/runners/" + runnerName + "/jitconfig")
                .header("Accept", "application/json").header("Content-Type", "application/json").POST(body);
        return Uni.createFrom().completionStage(() -> Clients.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()))
                .map(response -> {
                    if (response.statusCode() == 404) {
                        return Optional.<RunnerConfig>empty(); // not listed yet: try again
                    }
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("jitconfig answered " + response.statusCode() + ": " + response.body());
                    }
                    return Optional.of(config(runnerName, response.body()));
                });
    }

    @Override
    public void runnerOnline(String runnerName) {
        hook(runnerName, "online");
    }

    @Override
    public void jobStarted(String runnerName) {
        hook(runnerName, "job-started");
    }

    @Override
    public void jobCompleted(String runnerName) {
        hook(runnerName, "job-completed");
    }

    /**
     * As the VM's watcher does: the scheduled event's id, type and {@code NotBefore} (in the
     * metadata service's RFC 1123 form) to {@code /runners/{name}/evicted}, with the hook token.
     */
    @Override
    public void evicted(String runnerName, EvictionKind kind, Instant notBefore) {
        String type = kind == EvictionKind.PREEMPT ? "Preempt" : "Terminate";
        String eventId = UUID.nameUUIDFromBytes((runnerName + "/" + notBefore).getBytes(StandardCharsets.UTF_8)).toString();
        String body = Clients.JSON.createObjectNode().put("eventId", eventId).put("eventType", type)
                .put("notBefore", DateTimeFormatter.RFC_1123_DATE_TIME.format(notBefore.atOffset(ZoneOffset.UTC))).toString();
        String token = hookTokens.getOrDefault(runnerName, "");
        send(request("/runners/" + runnerName + "/evicted").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                "eviction notice of " + runnerName);
    }

    private RunnerConfig config(String runnerName, String body) {
        try {
            JsonNode node = Clients.JSON.readTree(body);
            hookTokens.put(runnerName, node.path("hookToken").asText());
            String jit = node.path("encodedJitConfig").asText(null);
            return new RunnerConfig(node.path("runnerId").asLong(), jit != null ? jit : node.path("registrationToken").asText());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("jitconfig answer is not JSON", e);
        }
    }

    private static String field(String body, String name) {
        try {
            return Clients.JSON.readTree(body).path(name).asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("answer is not JSON", e);
        }
    }

    private void hook(String runnerName, String what) {
        String token = hookTokens.getOrDefault(runnerName, "");
        send(request("/runners/" + runnerName + "/" + what).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()), what + " hook of " + runnerName);
    }

    private HttpRequest.Builder request(String path) {
        URI base = baseUri.get();
        URI uri = base == null ? URI.create("http://127.0.0.1:1" + path) : base.resolve(path);
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    }

    /** Completes with the answer, or with null when none came (logged). */
    private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request, String what) {
        return Clients.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null) {
                LOG.warnf("simulator: %s not delivered: %s", what, error.toString());
                return null;
            }
            if (response.statusCode() >= 300) {
                LOG.warnf("simulator: %s answered %d: %s", what, response.statusCode(), response.body());
            }
            return response;
        });
    }
}
