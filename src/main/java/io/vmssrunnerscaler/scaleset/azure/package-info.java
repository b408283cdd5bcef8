/**
 * The scale-set port on Azure Resource Manager.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * ThrottleBudget budget = ThrottleBudget.azure(Clock.systemUTC());      // one per process
 * AzureScaleSet port = new AzureScaleSet(AzureScaleSetSettings.defaults(),
 *         new DefaultAzureCredentialBuilder().build(), vertx, budget);
 * port.list(new ScaleSetRef(subscription, resourceGroup, scaleSetName));
 * }</pre>
 * Each {@link io.vmssrunnerscaler.scaleset.ScaleSetRef} names its own subscription; one SDK client
 * per subscription is built on the first call (never at start-up). Settings
 * ({@link io.vmssrunnerscaler.scaleset.azure.AzureScaleSetSettings}): the ARM endpoint (Azure's public
 * cloud by default; a local fake in tests), the token scope, the poll interval of long-running
 * operations (5 s; the SDK's own default would be 30 s), the timeout of one HTTP exchange (30 s),
 * the deadlines of a listing (2 min) and of an operation until done (15 min), the number of tries
 * (4), the first back-off (1 s) and the longest wait for budget or a Retry-After (60 s).
 *
 * <h2>Throttling</h2>
 * Compute throttles per scale set with token buckets (docs/PROTOCOLS.md, "Azure throttling"). Every
 * HTTP request is charged locally first, by {@link io.vmssrunnerscaler.scaleset.azure.ArmCall} and
 * {@link io.vmssrunnerscaler.scaleset.azure.ThrottleBudget}, and waits for a token instead of being
 * refused:
 * <ul>
 * <li>capacity PATCH: Update VMSS (4/min, bucket 12), and the final GET of that operation: Low-cost
 *     Get (12/min, 36);</li>
 * <li>batch re-image ({@code POST .../reimage} with instanceIds): Update VMSS, the same bucket as the
 *     capacity PATCH, because it is the scale set's Reimage API, not the per-VM one;</li>
 * <li>batch delete ({@code POST .../delete} with instanceIds): Delete VMSS VMs (4/min, 12); the
 *     documentation names this API in no policy, and Delete VMSS has the same limits;</li>
 * <li>listing instances, every page: High-cost Get (10/min, 30);</li>
 * <li>operation-status polls: not charged (Compute's separate Get Operation policy).</li>
 * </ul>
 * One token of each bucket is kept back and a waiting call is spaced by another 500 ms, because a
 * request reaches Azure some time after its token was reserved.
 * A 429 is retried after its Retry-After when that is within the longest wait, and blocks the local
 * bucket until then; otherwise the call fails at once with
 * {@link io.vmssrunnerscaler.scaleset.azure.ScaleSetException.Throttled}.
 * Every answer (any status, every try) also corrects the local buckets with Azure's own figures
 * ({@link io.vmssrunnerscaler.scaleset.azure.RateLimitHeaders}): a bucket never counts more tokens
 * than Azure reports left in either window, and a call Azure charged several tokens costs them
 * here too (see {@link io.vmssrunnerscaler.scaleset.azure.ThrottleBudget} for the rule).
 *
 * <h2>Operations that do not succeed</h2>
 * A long-running operation whose status ends {@code Failed} or {@code Canceled} (Compute sends an
 * {@code error} with both; {@code Canceled} typically {@code OperationPreempted}, a later operation
 * on the scale set took over) fails the call: what was asked did not happen, and the engine plans
 * again. The SDK reports {@code Canceled} as a completed poll ({@code USER_CANCELLED}) with no error,
 * so {@link io.vmssrunnerscaler.scaleset.azure.OperationStatusRecorder} keeps the latest status poll
 * of each call; the failure carries Azure's code, its message (one bounded line) and the
 * correlation id, and is classified by the code like any other answer.
 *
 * <h2>Refusals of capacity</h2>
 * The vCPU quota (409 {@code OperationNotAllowed} on a capacity change), {@code AllocationFailed},
 * {@code ZonalAllocationFailed}, {@code OverconstrainedAllocationRequest},
 * {@code OverconstrainedZonalAllocationRequest} and {@code SkuNotAvailable} (also no Spot
 * capacity), answered at once or as the failed end of the operation, and also when nested in
 * {@code error.details}, fail the call with
 * {@link io.vmssrunnerscaler.scaleset.azure.ScaleSetException.CapacityRefused}, which the port
 * knows as {@link io.vmssrunnerscaler.scaleset.CapacityRefusal}. They are not retried.
 */
package io.vmssrunnerscaler.scaleset.azure;
