package io.vmssrunnerscaler.fakes.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Route;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters.Write;
import io.vmssrunnerscaler.fakes.arm.FakeHttp.Answer;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTPS stand-in for Azure Resource Manager, just enough of Microsoft.Compute for a Uniform
 * scale set: GET the set, list its instances (pages with absolute nextLink), PATCH its capacity,
 * batch re-image and delete as long-running operations (202 + Azure-AsyncOperation + Location)
 * with an operation-status endpoint, api-version and bearer token checked, and Compute's
 * per-scale-set throttling buckets (429 OperationNotAllowed + Retry-After). Faults can be injected
 * ({@link #faults()}), including Azure's refusals of capacity ({@link FakeRefusal}), and every call
 * is counted ({@link #counters()}). Listens on a free port of 127.0.0.1; close it when done.
 *
 * <p>Budget headers as Compute sends them (Microsoft docs troubleshooting-throttling-errors): on
 * every answer to a scale-set request, admitted or throttled, the figures of its policy in both
 * windows, {@code x-ms-ratelimit-remaining-resource: Microsoft.Compute/<Policy>3Min;<n>} and
 * {@code ...30Min;<n>}, plus on batch re-images and deletes the informational
 * {@code VMScaleSetBatchedVMRequests5Min} and {@code VmssQueuedVMOperations} figures (not enforced),
 * as separate headers or comma-joined ({@link FakeArmOptions.HeaderFormat}); and on admitted calls
 * {@code x-ms-request-charge: <n>} ({@link FakeArmOptions.Charge}). Another caller can spend the
 * same budget through {@link #coTenant}.
 */
public final class FakeArm implements AutoCloseable {
    public static final String API_VERSION = "2025-04-01";
    static final String REMAINING = "x-ms-ratelimit-remaining-resource";

    private static final Pattern SCALE_SET = Pattern.compile(
            "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.compute/virtualmachinescalesets/([^/]+)(/[a-z]+)?/?");
    private static final Pattern OPERATION = Pattern.compile(
            "/subscriptions/([^/]+)/providers/microsoft\\.compute/locations/([^/]+)/operations/([^/]+)/?");

    private final FakeArmOptions options;
    private final HttpsServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(daemon("fake-arm"));
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(daemon("fake-arm-delay"));
    private final FakeThrottle throttle;
    private final FakeFaults faults = new FakeFaults();
    private final FakeArmCounters counters = new FakeArmCounters();
    private final Map<String, FakeScaleSet> scaleSets = new ConcurrentHashMap<>();
    private final FakeOperations operations;
    private final SpecCheck spec = new SpecCheck("fake ARM", Specs::arm);
    private final List<Request> requestLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One HTTP request as it reached the fake, whatever it was answered: method, path (as sent) and raw query. */
    public record Request(String method, String path, String query) {
    }

    private FakeArm(FakeArmOptions options) throws IOException {
        this.options = options;
        this.throttle = new FakeThrottle(options.limits(), options.longLimits(), options.clock());
        this.operations = new FakeOperations(options);
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setHttpsConfigurator(new HttpsConfigurator(io.vmssrunnerscaler.fakes.TestTls.serverContext()));
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
    }

    public static FakeArm start(FakeArmOptions options) {
        try {
            FakeArm arm = new FakeArm(options);
            arm.server.start();
            return arm;
        } catch (IOException e) {
            throw new IllegalStateException("fake ARM did not start", e);
        }
    }

    /** {@code https://127.0.0.1:<port>/}: the resourceManagerEndpointUrl to give the client. */
    public URI baseUri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Adds a Uniform scale set with {@code capacity} running instances. */
    public FakeScaleSet addScaleSet(String subscription, String resourceGroup, String name, String computerNamePrefix, int capacity) {
        FakeScaleSet s = new FakeScaleSet(subscription, resourceGroup, name, computerNamePrefix, capacity, options);
        scaleSets.put(key(subscription, resourceGroup, name), s);
        return s;
    }

    /** Another caller of this scale set's Compute budget. */
    public FakeCoTenant coTenant(String subscription, String resourceGroup, String name) {
        return new FakeCoTenant(this, key(subscription, resourceGroup, name));
    }

    int coTenantSpend(String key, FakeBucket bucket, int tokens) {
        int spent;
        synchronized (throttle) {
            spent = throttle.spend(key, bucket, tokens);
        }
        counters.coTenant(bucket, spent);
        return spent;
    }

    java.util.concurrent.ScheduledFuture<?> repeat(Runnable r, long first, long every, TimeUnit unit) {
        return delayer.scheduleAtFixedRate(r, first, every, unit);
    }

    /** Every exchange held against Compute's Swagger document and ARM's RPC (operation polls) (see {@link SpecCheck}). */
    public SpecCheck specCheck() {
        return spec;
    }

    public FakeFaults faults() {
        return faults;
    }

    public FakeArmCounters counters() {
        return counters;
    }

    /** Every request received so far, in order of arrival (e.g. to derive the RBAC actions a client needs). */
    public List<Request> requestLog() {
        return List.copyOf(requestLog);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        delayer.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        Answer answer;
        byte[] raw = new byte[0];
        requestLog.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery()));
        try {
            raw = FakeHttp.raw(exchange);
            answer = answer(exchange, raw);
        } catch (FakeArmError e) {
            answer = e.answer();
        } catch (RuntimeException e) {
            answer = new FakeArmError(500, "InternalServerError", "fake ARM bug: " + e).answer();
        }
        answer.header("x-ms-correlation-request-id", UUID.randomUUID().toString())
                .header("x-ms-request-id", UUID.randomUUID().toString());
        spec.check(new Exchange(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Exchange.query(exchange.getRequestURI().getRawQuery()), SpecCheck.json(raw), answer.status(), answer.headers(),
                answer.body() == null ? null : FakeHttp.JSON.valueToTree(answer.body())));
        Duration delay = faults.takeDelay();
        Answer done = answer;
        if (delay.isZero()) {
            FakeHttp.send(exchange, done);
        } else {
            delayer.schedule(() -> FakeHttp.send(exchange, done), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Answer answer(HttpExchange exchange, byte[] raw) {
        counters.request();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + options.token())) {
            throw new FakeArmError(401, "InvalidAuthenticationToken", "The access token is missing or invalid.");
        }
        Map<String, String> query = FakeHttp.query(exchange);
        if (!API_VERSION.equals(query.get("api-version"))) {
            throw new FakeArmError(400, "InvalidApiVersionParameter", "api-version must be " + API_VERSION);
        }
        String path = exchange.getRequestURI().getPath().replaceAll("//+", "/");
        String lower = path.toLowerCase(Locale.ROOT);
        Matcher op = OPERATION.matcher(lower);
        if (op.matches() && exchange.getRequestMethod().equals("GET")) {
            counters.route(Route.OPERATION_STATUS);
            return operations.status(op.group(3), "true".equals(query.get("monitor")));
        }
        Matcher m = SCALE_SET.matcher(lower);
        if (!m.matches()) {
            throw new FakeArmError(404, "NotFound", "no such route: " + exchange.getRequestMethod() + " " + path);
        }
        String key = m.group(1) + "/" + m.group(2) + "/" + m.group(3);
        FakeScaleSet set = scaleSets.get(key);
        if (set == null) {
            throw new FakeArmError(404, "ResourceNotFound", "scale set " + m.group(3) + " not found");
        }
        Route route = route(exchange.getRequestMethod(), m.group(4) == null ? "" : m.group(4));
        counters.route(route);
        FakeBucket bucket = bucket(route);
        JsonNode body = route == Route.GET_SCALE_SET || route == Route.LIST_INSTANCES ? null : FakeHttp.body(raw);
        int charge = charge(route, set, body);
        admit(key, bucket, route, charge);
        try {
            if (faults.takeFailure()) {
                throw new FakeArmError(500, "InternalExecutionError", "An internal execution error occurred.");
            }
            Answer answer = dispatch(route, set, query, body);
            budgetHeaders(answer, key, bucket, route, charge);
            return answer;
        } catch (FakeArmError e) {
            budgetHeaders(e.headers, key, bucket, route, charge);
            throw e;
        }
    }

    /** Takes the charge or throws the 429 (with the figures of both windows). */
    private void admit(String key, FakeBucket bucket, Route route, int charge) {
        Duration injected = faults.takeThrottle();
        Optional<Duration> retryAfter;
        synchronized (throttle) {
            retryAfter = injected != null ? Optional.of(injected) : throttle.take(key, bucket, charge);
        }
        if (retryAfter.isPresent()) {
            counters.throttled(bucket, injected == null);
            // Compute's throttling answer (Microsoft docs troubleshooting-throttling-errors), under ARM's "error" envelope
            FakeArmError e = new FakeArmError(429, "OperationNotAllowed",
                    "The server rejected the request because too many requests have been received for this scale set.",
                    List.of(new FakeArmError.Detail("TooManyRequests", bucket.azureName() + "3Min",
                            "{\"operationGroup\":\"" + bucket.azureName() + "3Min\",\"allowedRequestCount\":"
                                    + options.limits().get(bucket).bucket() + "}")))
                    .header("Retry-After", Long.toString(Math.max(1, retryAfter.get().toSeconds())));
            budgetHeaders(e.headers, key, bucket, route, null);
            throw e;
        }
        counters.accepted(bucket, charge);
    }

    /** What this request costs: reads 1, writes as {@link FakeArmOptions#charge()} says. */
    private int charge(Route route, FakeScaleSet set, JsonNode body) {
        FakeArmOptions.Charge c = options.charge();
        if (route == Route.GET_SCALE_SET || route == Route.LIST_INSTANCES) {
            return 1;
        }
        if (!c.byInstanceId()) {
            return c.perCall();
        }
        if (route == Route.PATCH_SCALE_SET) {
            JsonNode capacity = body.path("sku").path("capacity");
            return capacity.canConvertToInt() ? Math.max(1, Math.abs(capacity.asInt() - set.capacity())) : 1;
        }
        List<String> ids = ids(body);
        return ids == null || ids.isEmpty() ? Math.max(1, set.instances().size()) : ids.size();
    }

    /** The budget figures of this request's policy, both windows, in the configured format, and its charge if admitted. */
    private void budgetHeaders(Answer answer, String key, FakeBucket bucket, Route route, Integer charge) {
        if (options.headerFormat() == FakeArmOptions.HeaderFormat.NONE) {
            return;
        }
        if (charge != null) {
            answer.header("x-ms-request-charge", Integer.toString(charge));
        }
        List<String> figures = new ArrayList<>();
        synchronized (throttle) {
            for (FakeThrottle.Window w : FakeThrottle.Window.values()) {
                figures.add("Microsoft.Compute/" + bucket.azureName() + w.suffix + ";" + throttle.remaining(key, bucket, w));
            }
        }
        if (route == Route.REIMAGE || route == Route.DELETE_INSTANCES) {
            // informational policies Compute also reports on batch VM operations; not enforced here
            figures.add("Microsoft.Compute/VMScaleSetBatchedVMRequests5Min;3704");
            figures.add("Microsoft.Compute/VmssQueuedVMOperations;4720");
        }
        if (options.headerFormat() == FakeArmOptions.HeaderFormat.JOINED) {
            answer.header(REMAINING, String.join(", ", figures));
        } else {
            figures.forEach(f -> answer.addHeader(REMAINING, f));
        }
    }

    private Answer dispatch(Route route, FakeScaleSet set, Map<String, String> query, JsonNode body) {
        String id = resourceId(set);
        return switch (route) {
            case GET_SCALE_SET -> Answer.of(200, set.json(id));
            case LIST_INSTANCES -> list(set, id, query);
            case PATCH_SCALE_SET -> patch(set, id, body);
            case REIMAGE -> accepted(set, route, ids(body));
            case DELETE_INSTANCES -> accepted(set, route, ids(body));
            case OPERATION_STATUS -> throw new IllegalStateException("routed above");
        };
    }

    private Answer list(FakeScaleSet set, String id, Map<String, String> query) {
        boolean expand = "instanceView".equalsIgnoreCase(query.get("$expand"));
        if (expand) {
            counters.instanceViewPage();
        }
        int after = query.containsKey("$skiptoken") ? Integer.parseInt(query.get("$skiptoken")) : -1;
        Object[] page = set.page(after, options.pageSize(), expand, id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("value", page[0]);
        if (page[1] != null) {
            body.put("nextLink", baseUri().resolve(id.substring(1) + "/virtualMachines") + "?api-version=" + API_VERSION
                    + (expand ? "&$expand=instanceView" : "") + "&$skiptoken=" + page[1]);
        }
        return Answer.of(200, body);
    }

    private Answer patch(FakeScaleSet set, String id, JsonNode body) {
        JsonNode capacity = body.path("sku").path("capacity");
        if (!capacity.canConvertToInt() || capacity.asInt() < 0) {
            throw new FakeArmError(400, "InvalidParameter", "sku.capacity must be a non-negative integer");
        }
        FakeRefusal refusal = faults.refusal();
        int added = capacity.asInt() - set.capacity();
        if (refusal != null && added > 0) {
            return refuse(set, id, refusal, added);
        }
        FakeFaults.OperationEnd end = faults.operationEnd();
        Instant due = set.setCapacity(capacity.asInt(), end == null ? null : end.error().code);
        counters.write(new Write(Route.PATCH_SCALE_SET, set.name, capacity.asInt(), null));
        return operations.start(Answer.of(200, set.json(id)), baseUri(), set.subscription, due, end, false);
    }

    /** Capacity stays; the refusal comes back at once, or as the end of the operation. */
    @SuppressWarnings("unchecked")
    private Answer refuse(FakeScaleSet set, String id, FakeRefusal refusal, int added) {
        FakeRefusal.Delivery delivery = faults.refusalDelivery();
        FakeArmError error = refusal.error(delivery, id, options.location(), set.subscription, added);
        counters.refuse(refusal);
        if (delivery == FakeRefusal.Delivery.SYNC) {
            throw error;
        }
        Instant due = options.clock().instant().plus(options.provisioningDelay());
        Map<String, Object> body = set.json(id);
        ((Map<String, Object>) body.get("properties")).put("provisioningState", "Updating"); // accepted, not yet failed
        return operations.start(Answer.of(200, body), baseUri(), set.subscription, due,
                new FakeFaults.OperationEnd("Failed", error), false);
    }

    private Answer accepted(FakeScaleSet set, Route route, List<String> ids) {
        FakeFaults.OperationEnd end = faults.operationEnd();
        String failure = end == null ? null : end.error().code;
        Instant due = route == Route.REIMAGE ? set.reimage(ids, failure) : set.delete(ids, failure);
        counters.write(new Write(route, set.name, null, ids));
        return operations.start(Answer.of(202, null), baseUri(), set.subscription, due, end, true);
    }

    private static Route route(String method, String suffix) {
        return switch (method + " " + suffix) {
            case "GET " -> Route.GET_SCALE_SET;
            case "GET /virtualmachines" -> Route.LIST_INSTANCES;
            case "PATCH " -> Route.PATCH_SCALE_SET;
            case "POST /reimage" -> Route.REIMAGE;
            case "POST /delete" -> Route.DELETE_INSTANCES;
            default -> throw new FakeArmError(405, "MethodNotAllowed", "not supported by the fake: " + method + " " + suffix);
        };
    }

    private static FakeBucket bucket(Route route) {
        return switch (route) {
            case GET_SCALE_SET -> FakeBucket.LOW_COST_GET;
            case LIST_INSTANCES -> FakeBucket.HIGH_COST_GET;
            case PATCH_SCALE_SET, REIMAGE -> FakeBucket.UPDATE_VMSS;
            case DELETE_INSTANCES -> FakeBucket.DELETE_VMSS_VMS;
            case OPERATION_STATUS -> throw new IllegalStateException("operation polls are not bucketed");
        };
    }

    private static List<String> ids(JsonNode body) {
        JsonNode ids = body == null ? null : body.get("instanceIds");
        if (ids == null || ids.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        ids.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String resourceId(FakeScaleSet s) {
        return "/subscriptions/" + s.subscription + "/resourceGroups/" + s.resourceGroup
                + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + s.name;
    }

    private static String key(String subscription, String resourceGroup, String name) {
        return (subscription + "/" + resourceGroup + "/" + name).toLowerCase(Locale.ROOT);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
