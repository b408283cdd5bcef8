package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.http.policy.ArmChallengeAuthenticationPolicy;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Builds the Compute clients lazily, on the first call for each subscription and on the given
 * executor: building one costs from a fraction of a second to several seconds on a busy machine
 * (class loading), which must stay off start-up and off event loops. All subscriptions share one
 * HTTP pipeline, so they share one Vert.x HTTP client and one token cache. Building does no I/O;
 * a failed build is forgotten so that the next call tries again.
 *
 * <p>Only the Compute service client is built, through its generated builder, not through
 * {@code ComputeManager.authenticate}: the manager also builds network, storage and authorization
 * managers this adapter never uses, which doubles the cost (measured here: 9 s against 4.4 s on
 * a cold, loaded JVM). The builder sits in the SDK's implementation package; ComputeManager
 * itself uses it the same way, and an SDK upgrade that moved it would fail to compile.
 */
final class ArmClients {
    private final AzureScaleSetSettings settings;
    private final TokenCredential credential;
    private final Vertx vertx;
    private final ThrottleBudget budget;
    private final Clock clock;
    private final Executor builder;
    private final Map<String, CompletableFuture<ComputeManagementClient>> clients = new ConcurrentHashMap<>();
    private HttpPipeline pipeline; // guarded by this

    ArmClients(AzureScaleSetSettings settings, TokenCredential credential, Vertx vertx, ThrottleBudget budget,
            Clock clock, Executor builder) {
        this.settings = settings;
        this.credential = credential;
        this.vertx = vertx;
        this.budget = budget;
        this.clock = clock;
        this.builder = builder;
    }

    /** The client of this subscription; built on the builder executor the first time. */
    Uni<ComputeManagementClient> forSubscription(String subscription) {
        CompletableFuture<ComputeManagementClient> client = clients.computeIfAbsent(subscription,
                s -> CompletableFuture.supplyAsync(() -> build(s), builder));
        client.whenComplete((c, e) -> {
            if (e != null) {
                clients.remove(subscription, client);
            }
        });
        // A copy, so that a caller's cancellation cannot cancel the shared future.
        return Uni.createFrom().completionStage(client.thenApply(c -> c));
    }

    /** How many subscriptions have a client (built or being built); for tests of laziness. */
    int built() {
        return clients.size();
    }

    private ComputeManagementClient build(String subscription) {
        AzureEnvironment environment = settings.environment();
        return new ComputeManagementClientBuilder()
                .pipeline(pipeline())
                .environment(environment)
                .endpoint(environment.getResourceManagerEndpoint())
                .subscriptionId(subscription)
                .defaultPollInterval(settings.pollInterval()) // each poller sets it again; never the SDK's 30 s
                .buildClient();
    }

    private synchronized HttpPipeline pipeline() {
        if (pipeline == null) {
            // Always an explicit client: with several HTTP client libraries on the class path the
            // SDK would otherwise pick one by itself (docs/PROTOCOLS.md, "Azure SDK HTTP client").
            HttpClient http = new VertxHttpClientBuilder()
                    .vertx(vertx)
                    .connectTimeout(settings.attemptTimeout())
                    .responseTimeout(settings.attemptTimeout())
                    .readTimeout(settings.attemptTimeout())
                    .writeTimeout(settings.attemptTimeout())
                    .build();
            pipeline = new HttpPipelineBuilder()
                    .httpClient(http)
                    .policies(
                            new OperationStatusRecorder.Policy(), // outermost: sees the answer after retries
                            new UserAgentPolicy(settings.userAgent()),
                            new RequestIdPolicy(),
                            new ThrottlingPolicy(budget, settings, clock),
                            new AddDatePolicy(),
                            new ArmChallengeAuthenticationPolicy(credential, settings.tokenScope()))
                    .build();
        }
        return pipeline;
    }
}
