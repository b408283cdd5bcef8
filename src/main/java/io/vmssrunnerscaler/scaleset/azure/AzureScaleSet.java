package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.polling.AsyncPollResponse;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollerFlux;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.models.Sku;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetReimageParameters;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdate;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMInstanceRequiredIDs;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.engine.CallAllowance;
import io.vmssrunnerscaler.engine.ObservedInstance;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The scale-set port on Azure Resource Manager (Uniform orchestration), through
 * azure-resourcemanager-compute. One listing call (all pages) per {@link #list}, one call per batch
 * of re-images or deletes; long-running operations are polled at {@code pollInterval} until done.
 * Every HTTP request waits for {@link ThrottleBudget} first, every call has a deadline, and every
 * failure reaches the caller as a {@link ScaleSetException}; Azure's refusals of capacity (quota,
 * allocation, SKU or Spot capacity), whether answered at once or as the failure of the operation,
 * as {@link ScaleSetException.CapacityRefused}. Nothing blocks the calling thread.
 */
public final class AzureScaleSet implements ScaleSetPort {
    private final AzureScaleSetSettings settings;
    private final ArmClients clients;
    private final ArmErrors errors;
    private final ThrottleBudget budget;
    /**
     * Per scale set, when the capacity PATCH sent last was accepted (or ended). The shell may raise a
     * capacity change while the PATCH before it still runs; the next one is sent only after Azure
     * accepted the previous, so that they arrive in order (a PATCH is absolute: a smaller one applied
     * after a larger one would let Azure remove VMs of its own choosing).
     */
    private final Map<String, CompletableFuture<Void>> capacityAccepted = new ConcurrentHashMap<>();

    /**
     * @param settings   ARM endpoint, token scope, poll interval, deadlines, retries
     * @param credential e.g. a managed identity; asked for tokens only when a call is made
     * @param vertx      the application's Vert.x, which carries the HTTP traffic
     * @param budget     the throttling budget (share one per process: Azure counts per scale set)
     */
    public AzureScaleSet(AzureScaleSetSettings settings, TokenCredential credential, Vertx vertx, ThrottleBudget budget) {
        this(settings, credential, vertx, budget, Clock.systemUTC(), Infrastructure.getDefaultWorkerPool());
    }

    /** As above, with the clock for Retry-After dates and the executor that builds the SDK clients. */
    public AzureScaleSet(AzureScaleSetSettings settings, TokenCredential credential, Vertx vertx, ThrottleBudget budget,
            Clock clock, Executor clientBuilder) {
        this.settings = settings;
        this.clients = new ArmClients(settings, credential, vertx, budget, clock, clientBuilder);
        this.errors = new ArmErrors(clock);
        this.budget = budget;
    }

    @Override
    public Uni<List<ObservedInstance>> list(ScaleSetRef ref) {
        return call("list instances", ref, settings.listDeadline(), c -> c.getVirtualMachineScaleSetVMs()
                .listAsync(ref.resourceGroup(), ref.name(), null, null, "instanceView")
                .map(InstanceMapping::observed)
                .collectList());
    }

    @Override
    public Uni<Void> setCapacity(ScaleSetRef ref, int capacity) {
        if (capacity < 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("capacity must be >= 0: " + capacity));
        }
        // Only sku.capacity: Azure keeps the rest of the model, so nothing else can be changed by accident.
        var update = new VirtualMachineScaleSetUpdate().withSku(new Sku().withCapacity((long) capacity));
        var accepted = new CompletableFuture<Void>();
        var previous = capacityAccepted.put(ArmCall.key(ref.subscription(), ref.resourceGroup(), ref.name()), accepted);
        Uni<Void> inTurn = previous == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(previous);
        return inTurn.chain(() -> call("set capacity to " + capacity, ref, settings.operationDeadline(), true,
                        c -> untilDone(c.getVirtualMachineScaleSets().beginUpdateAsync(ref.resourceGroup(), ref.name(), update),
                                accepted)))
                .onTermination().invoke(() -> accepted.complete(null));
    }

    @Override
    public Uni<Void> reimage(ScaleSetRef ref, List<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return Uni.createFrom().voidItem(); // an empty list would re-image EVERY instance
        }
        var ids = new VirtualMachineScaleSetReimageParameters().withInstanceIds(List.copyOf(instanceIds));
        return call("re-image " + instanceIds.size() + " instances", ref, settings.operationDeadline(),
                c -> untilDone(c.getVirtualMachineScaleSets().beginReimageAsync(ref.resourceGroup(), ref.name(), ids)));
    }

    @Override
    public Uni<Void> delete(ScaleSetRef ref, List<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var ids = new VirtualMachineScaleSetVMInstanceRequiredIDs().withInstanceIds(List.copyOf(instanceIds));
        return call("delete " + instanceIds.size() + " instances", ref, settings.operationDeadline(),
                c -> untilDone(c.getVirtualMachineScaleSets().beginDeleteInstancesAsync(ref.resourceGroup(), ref.name(), ids)));
    }

    @Override
    public CallAllowance allowance(ScaleSetRef ref, Operation.Kind kind) {
        return policy(kind).map(p -> budget.allowance(ArmCall.key(ref.subscription(), ref.resourceGroup(), ref.name()), p))
                .orElse(CallAllowance.UNLIMITED);
    }

    /** The bucket each kind of call is charged to, as {@link ArmCall} classifies its request. */
    public static java.util.Optional<ArmPolicy> policy(Operation.Kind kind) {
        return switch (kind) {
            case LIST -> java.util.Optional.of(ArmPolicy.HIGH_COST_GET_VMSS);
            case SET_CAPACITY, REIMAGE -> java.util.Optional.of(ArmPolicy.UPDATE_VMSS);
            case DELETE -> java.util.Optional.of(ArmPolicy.DELETE_VMSS_VMS);
            case DRAIN -> java.util.Optional.empty();
        };
    }

    /**
     * Starts building the client of a subscription now, on the builder executor, instead of on the
     * first call: the caller knows a call will come (the first listing at start-up) and has other
     * work meanwhile. Building does no I/O; a failed build is forgotten and the call builds again.
     */
    public void prepare(String subscription) {
        clients.forSubscription(subscription);
    }

    /** For tests: whether any SDK client was built (they are built on the first call only). */
    boolean clientsBuilt() {
        return clients.built() > 0;
    }

    /**
     * The deadline starts once the client exists: it bounds the time spent on ARM (budget waits,
     * tries, polling), not the one-time local build of the client, which does no I/O.
     */
    private <T> Uni<T> call(String operation, ScaleSetRef ref, Duration deadline, Function<ComputeManagementClient, Mono<T>> work) {
        return call(operation, ref, deadline, false, work);
    }

    /** {@code capacityChange}: a refusal of quota is possible (see {@link ArmErrors#refusal}). */
    private <T> Uni<T> call(String operation, ScaleSetRef ref, Duration deadline, boolean capacityChange,
            Function<ComputeManagementClient, Mono<T>> work) {
        return clients.forSubscription(ref.subscription())
                .chain(client -> toUni(work.apply(client))
                        .ifNoItem().after(deadline).failWith(() -> deadlineExceeded(operation, ref, deadline)))
                .onFailure().transform(e -> errors.translate(e, operation, ref, capacityChange));
    }

    /**
     * Polls at our interval (a Retry-After from Azure still wins) and fails unless the operation
     * succeeded. The latest status poll is recorded for the failure's details: the SDK reports a
     * {@code Canceled} operation as a completed poll with neither error nor body.
     */
    private <T> Mono<Void> untilDone(PollerFlux<PollResult<T>, T> poller) {
        return untilDone(poller, new CompletableFuture<>());
    }

    /** {@code accepted} completes with the operation's first response: Azure accepted the request. */
    private <T> Mono<Void> untilDone(PollerFlux<PollResult<T>, T> poller, CompletableFuture<Void> accepted) {
        OperationStatusRecorder.Last lastPoll = new OperationStatusRecorder.Last();
        return poller.setPollInterval(settings.pollInterval())
                .doOnNext(response -> accepted.complete(null))
                .last()
                .flatMap(last -> finalOutcome(last, lastPoll))
                .contextWrite(ctx -> ctx.put(OperationStatusRecorder.CONTEXT_KEY, lastPoll));
    }

    /**
     * Anything but success fails the call: {@code FAILED} with the error the SDK kept,
     * {@code USER_CANCELLED} (Compute's {@code Canceled}; the SDK keeps no error for it) or any
     * other end with the latest status poll, whose {@code error} Compute fills for both.
     */
    private <T> Mono<Void> finalOutcome(AsyncPollResponse<PollResult<T>, T> last, OperationStatusRecorder.Last lastPoll) {
        if (last.getStatus() == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return last.getFinalResult().then();
        }
        PollResult.Error error = last.getValue() == null ? null : last.getValue().getError();
        if (error != null && error.getResponseBody() != null) {
            return Mono.error(new ArmErrors.OperationFailed(error.getResponseStatusCode(), error.getResponseHeaders(),
                    error.getResponseBody()));
        }
        OperationStatusRecorder.Last.Answer polled = lastPoll.answer();
        if (polled != null) {
            return Mono.error(new ArmErrors.OperationFailed(polled.status(), polled.headers(), polled.body()));
        }
        return Mono.error(new ArmErrors.OperationFailed(0, null, null));
    }

    private static ScaleSetException deadlineExceeded(String operation, ScaleSetRef ref, Duration deadline) {
        var details = new ScaleSetException.Details(operation, ref.toString(), 0, null, null,
                "deadline of " + deadline.toMillis() + " ms exceeded");
        return new ScaleSetException.Transient(details, null);
    }

    /** Subscribes to the Mono when the Uni is subscribed; cancelling the Uni disposes the Mono. */
    private static <T> Uni<T> toUni(Mono<T> mono) {
        return Uni.createFrom().emitter(emitter -> {
            Disposable subscription = mono.subscribe(emitter::complete, emitter::fail, () -> emitter.complete(null));
            emitter.onTermination(subscription::dispose);
        });
    }
}
