package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.BusyStore;
import io.vmssrunnerscaler.busy.LostMarker;
import io.vmssrunnerscaler.busy.QueuedMarker;
import io.vmssrunnerscaler.busy.queue.QueueBusyStore;
import io.vmssrunnerscaler.busy.queue.QueueStoreSettings;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.StaticTokenCredential;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSet;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSetSettings;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege checked against the code: the scaler's custom roles in deploy/modules/roles.bicep
 * allow exactly the operations its adapters send, derived from the HTTP requests the adapters
 * (built on the real Azure SDK) make against the local fakes, and nothing else.
 */
class RolePermissionsTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);
    private static final String SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
    private static final String RESOURCE_GROUP = "ci-runners";
    private static final String NAME = "linux-vmss";

    /**
     * Actions of the compute role that no request of the adapter maps to but that stay, each with
     * its reason and source. Empty: every action must be earned by a request.
     *
     * <p>Not here, on purpose: {@code virtualMachineScaleSets/virtualMachines/instanceView/read}.
     * The listing asks {@code GET .../virtualMachineScaleSets/{name}/virtualMachines?$expand=instanceView};
     * by ARM's documented rule an action is the provider, the resource type path and the HTTP verb
     * (learn.microsoft.com/azure/role-based-access-control/role-definitions, "Actions format": read =
     * GET, write = PUT or PATCH, delete = DELETE, action = POST); a query parameter is not part of it,
     * so the listing is {@code virtualMachineScaleSets/virtualMachines/read}. {@code instanceView/read}
     * is the action of the separate request {@code GET .../virtualMachines/{instanceId}/instanceView}
     * (VirtualMachineScaleSetVMs_GetInstanceView), which the adapter never sends. No Azure document
     * was found that ties {@code $expand=instanceView} to {@code instanceView/read}.
     */
    static final Map<String, String> COMPUTE_KEPT_WITHOUT_A_REQUEST = Map.of();

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theComputeRoleAllowsExactlyTheOperationsTheScaleSetAdapterSends() {
        Map<String, Set<String>> requests = computeActionsCalled();
        Set<String> called = requests.keySet();
        Set<String> granted = lower(DeployConsistencyTest.ROLES.stringArray("scalerComputeActions"));

        Set<String> missing = minus(called, granted);
        assertTrue(missing.isEmpty(), "the adapter sends requests the compute role does not allow: " + missing
                + "; the requests: " + requests);
        Set<String> unneeded = minus(minus(granted, called), lower(COMPUTE_KEPT_WITHOUT_A_REQUEST.keySet()));
        assertTrue(unneeded.isEmpty(), "the compute role allows what no request of the adapter needs: " + unneeded
                + " (drop it, or name it with its reason in COMPUTE_KEPT_WITHOUT_A_REQUEST); the requests: " + requests);
        // the exceptions themselves must still be in the role, or they are stale
        assertTrue(granted.containsAll(lower(COMPUTE_KEPT_WITHOUT_A_REQUEST.keySet())), "stale exception");
    }

    /** The ARM rule itself, on requests of the kinds the adapter sends. */
    @Test
    void armActionsFollowTheDocumentedRule() {
        String vmss = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/v";
        assertEquals("microsoft.compute/virtualmachinescalesets/read", armAction("GET", vmss));
        assertEquals("microsoft.compute/virtualmachinescalesets/write", armAction("PATCH", vmss));
        assertEquals("microsoft.compute/virtualmachinescalesets/write", armAction("PUT", vmss));
        assertEquals("microsoft.compute/virtualmachinescalesets/delete", armAction("DELETE", vmss));
        assertEquals("microsoft.compute/virtualmachinescalesets/reimage/action", armAction("POST", vmss + "/reimage"));
        assertEquals("microsoft.compute/virtualmachinescalesets/delete/action", armAction("POST", vmss + "/delete"));
        assertEquals("microsoft.compute/virtualmachinescalesets/virtualmachines/read", armAction("GET", vmss + "/virtualMachines"));
        assertEquals("microsoft.compute/virtualmachinescalesets/virtualmachines/read", armAction("GET", vmss + "/virtualMachines/3"));
        assertEquals("microsoft.compute/virtualmachinescalesets/virtualmachines/write", armAction("PUT", vmss + "/virtualMachines/3"));
        assertEquals("microsoft.compute/virtualmachinescalesets/virtualmachines/instanceview/read",
                armAction("GET", vmss + "/virtualMachines/3/instanceView"));
        assertEquals("microsoft.compute/locations/operations/read",
                armAction("GET", "/subscriptions/s/providers/Microsoft.Compute/locations/westeurope/operations/42"));
    }

    /**
     * Drives every method of {@link ScaleSetPort} on an {@link AzureScaleSet} against the fake ARM
     * and maps each request the fake received to its RBAC action: action -> the requests (method, path).
     */
    private static Map<String, Set<String>> computeActionsCalled() {
        // a new method of the port must be driven here before this test can pass
        Set<String> portMethods = Arrays.stream(ScaleSetPort.class.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("allowance", "delete", "list", "reimage", "setCapacity")), portMethods,
                "ScaleSetPort changed: drive the new method below");

        try (FakeArm arm = FakeArm.start(FakeArmOptions.defaults().withPageSize(2))) {
            arm.addScaleSet(SUBSCRIPTION, RESOURCE_GROUP, NAME, "linux", 3);
            AzureScaleSetSettings settings = AzureScaleSetSettings.defaults()
                    .withArmEndpoint(arm.baseUri())
                    .withPollInterval(Duration.ofMillis(20))
                    .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(15))
                    .withRetries(3, Duration.ofMillis(20), Duration.ofSeconds(5));
            ScaleSetPort port = new AzureScaleSet(settings, new StaticTokenCredential(FakeArmOptions.TOKEN), vertx,
                    ThrottleBudget.azure(Clock.systemUTC()));
            ScaleSetRef ref = new ScaleSetRef(SUBSCRIPTION, RESOURCE_GROUP, NAME);

            assertEquals(3, port.list(ref).await().atMost(AWAIT).size()); // two pages: nextLink followed
            port.setCapacity(ref, 5).await().atMost(AWAIT);
            port.reimage(ref, List.of("0")).await().atMost(AWAIT);
            port.delete(ref, List.of("1")).await().atMost(AWAIT);
            for (Operation.Kind kind : Operation.Kind.values()) {
                port.allowance(ref, kind); // local: the budget, no request
            }

            List<FakeArm.Request> requests = arm.requestLog();
            Map<String, Set<String>> byAction = new TreeMap<>();
            for (FakeArm.Request r : requests) {
                byAction.computeIfAbsent(armAction(r.method(), r.path()), a -> new TreeSet<>()).add(r.method() + " " + r.path());
            }
            // each kind of call reached the fake, so that none is missing from the derived set
            assertTrue(requests.stream().anyMatch(r -> r.method().equals("PATCH")), "capacity PATCH sent: " + byAction);
            assertTrue(requests.stream().anyMatch(r -> r.path().endsWith("/reimage")), "re-image sent: " + byAction);
            assertTrue(requests.stream().anyMatch(r -> r.path().endsWith("/delete")), "delete sent: " + byAction);
            assertTrue(requests.stream().anyMatch(r -> r.path().contains("/operations/")), "operations polled: " + byAction);
            return byAction;
        }
    }

    /**
     * Requests of the queue adapter that the role does not allow, on purpose, each with its reason.
     * Create Queue ({@code queues/write}) is sent only when a request finds the queue missing
     * (QueueConnection); deploy/modules/storage.bicep creates the queue, so with the deployment it
     * is never sent, and the identity cannot create or re-create queues.
     */
    static final Map<String, String> QUEUE_CALLED_BUT_NOT_GRANTED = Map.of(
            "Microsoft.Storage/storageAccounts/queueServices/queues/write",
            "Create Queue, only when the queue is missing; the deployment creates it");

    @Test
    void theQueueRoleAllowsExactlyTheOperationsTheBusyStoreSends() throws IOException {
        Map<QueuePermission, Set<String>> requests = queuePermissionsCalled();
        Set<String> exceptions = lower(QUEUE_CALLED_BUT_NOT_GRANTED.keySet());
        Set<String> calledActions = new TreeSet<>();
        Set<String> calledDataActions = new TreeSet<>();
        requests.keySet().forEach(p -> (p.data() ? calledDataActions : calledActions).add(p.action()));
        // the exception is real: the missing-queue path was driven and sent it
        assertEquals(exceptions, Set.copyOf(minus(calledActions, lower(DeployConsistencyTest.ROLES.stringArray("scalerQueueActions")))),
                "control-plane actions the store sends beyond the role; the requests: " + requests);
        assertEquals(lower(DeployConsistencyTest.ROLES.stringArray("scalerQueueActions")), minus(calledActions, exceptions),
                "queue role actions vs. what the store sends; the requests: " + requests);
        assertEquals(lower(DeployConsistencyTest.ROLES.stringArray("scalerQueueDataActions")), calledDataActions,
                "queue role data actions vs. what the store sends; the requests: " + requests);
    }

    /** The Storage mapping itself (see {@link #queuePermission}). */
    @Test
    void queueRequestsMapAsAzureDocumentsThem() {
        String q = "/devstoreaccount1/busy";
        String m = "microsoft.storage/storageaccounts/queueservices/queues/messages/";
        assertEquals(new QueuePermission(true, m + "add/action"), queuePermission("POST", q + "/messages", null));
        assertEquals(new QueuePermission(true, m + "process/action"), queuePermission("GET", q + "/messages", "numofmessages=32"));
        assertEquals(new QueuePermission(true, m + "read"), queuePermission("GET", q + "/messages", "peekonly=true"));
        assertEquals(new QueuePermission(true, m + "write"), queuePermission("PUT", q + "/messages/abc", "popreceipt=x"));
        assertEquals(new QueuePermission(true, m + "process/action"), queuePermission("DELETE", q + "/messages/abc", "popreceipt=x"));
        assertEquals(new QueuePermission(true, m + "delete"), queuePermission("DELETE", q + "/messages", null));
        String queues = "microsoft.storage/storageaccounts/queueservices/queues/";
        assertEquals(new QueuePermission(false, queues + "read"), queuePermission("GET", q, "comp=metadata"));
        assertEquals(new QueuePermission(false, queues + "write"), queuePermission("PUT", q, null));
        assertEquals(new QueuePermission(false, queues + "write"), queuePermission("PUT", q, "comp=metadata"));
        assertEquals(new QueuePermission(false, queues + "delete"), queuePermission("DELETE", q, null));
    }

    /**
     * Drives every public method of {@link QueueBusyStore} against Azurite, through a recording
     * proxy, starting on a queue that does not exist yet, and maps each request to its permission.
     */
    private static Map<QueuePermission, Set<String>> queuePermissionsCalled() throws IOException {
        Set<String> storeMethods = Arrays.stream(QueueBusyStore.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("clearBusy", "clearLost", "clearQueued", "healthy", "loadAll", "markBusy",
                "markLost", "markQueued", "probe", "problem", "settle", "status")), storeMethods,
                "QueueBusyStore changed: drive the new method below");

        try (Azurite azurite = Azurite.inMemory(); RecordingProxy proxy = new RecordingProxy(URI.create(azurite.queueEndpoint()))) {
            String connection = azurite.connectionString().replace(azurite.queueEndpoint(), proxy.endpoint(Azurite.ACCOUNT));
            QueueBusyStore store = new QueueBusyStore(connection, QueueStoreSettings.defaults("busy-roles"));
            Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
            BusyStore port = store;
            port.markBusy(new BusyMarker("linux", "r1", "i-1", 1, t0)).await().atMost(AWAIT); // queue missing: created
            port.markBusy(new BusyMarker("linux", "r1", "i-1", 2, t0)).await().atMost(AWAIT); // update
            port.markQueued(new QueuedMarker("linux", 7, "o/r", t0)).await().atMost(AWAIT);
            port.clearQueued("linux", 7).await().atMost(AWAIT); // delete
            port.markLost(new LostMarker("linux", 8, "o/r", "r2", "evicted", t0)).await().atMost(AWAIT);
            port.clearLost("linux", LostMarker.subjectOf(8, "r2")).await().atMost(AWAIT);
            assertEquals(1, port.loadAll().await().atMost(AWAIT).busy().size()); // receive, count, make visible again
            port.clearBusy("linux", "r1").await().atMost(AWAIT);
            port.settle().await().atMost(AWAIT);
            assertTrue(store.probe().await().atMost(AWAIT).healthy(), "probe answered");
            assertTrue(store.healthy() && port.problem().isEmpty() && store.status().healthy(), "local state, no request");

            Map<QueuePermission, Set<String>> byPermission = new TreeMap<>(
                    java.util.Comparator.comparing(QueuePermission::data).thenComparing(QueuePermission::action));
            for (RecordingProxy.Request r : proxy.log) {
                byPermission.computeIfAbsent(queuePermission(r.method(), r.path(), r.query()), p -> new TreeSet<>())
                        .add(r.method() + " " + r.path() + (r.query() == null ? "" : "?" + r.query().replaceAll("popreceipt=[^&]*", "popreceipt=…")));
            }
            return byPermission;
        }
    }

    /** An RBAC action of the queue service; {@code data}: a data action (DataActions), else a control-plane action. */
    record QueuePermission(boolean data, String action) {
    }

    /**
     * The permission Azure Storage checks for a queue request authorized with Microsoft Entra ID,
     * as documented in "Authorize with Microsoft Entra ID", Permissions for Queue service operations
     * (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory):
     * Create Queue and Set Queue Metadata {@code queues/write}, Delete Queue {@code queues/delete},
     * Get Queue Metadata {@code queues/read}; Put Message {@code messages/add/action} (or
     * {@code messages/write}), Get Messages {@code messages/process/action} (or {@code messages/delete}
     * and {@code messages/read}), Peek Messages {@code messages/read}, Delete Message
     * {@code messages/process/action} (or {@code messages/delete}), Clear Messages
     * {@code messages/delete}, Update Message {@code messages/write}. Where the table allows
     * alternatives, the narrowest action of the operation is taken. The path is the emulator's
     * ({@code /account/queue/...}); at Azure the account is in the host name instead.
     */
    static QueuePermission queuePermission(String method, String path, String query) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).skip(1).toList(); // the account
        String q = query == null ? "" : "&" + query.toLowerCase(Locale.ROOT) + "&";
        String queues = "microsoft.storage/storageaccounts/queueservices/queues/";
        String messages = queues + "messages/";
        String operation = method + " " + segments.size() + (q.contains("&comp=metadata&") ? " metadata" : "")
                + (q.contains("&peekonly=true&") ? " peek" : "");
        return switch (operation) {
            case "PUT 1", "PUT 1 metadata" -> new QueuePermission(false, queues + "write"); // Create Queue, Set Queue Metadata
            case "DELETE 1" -> new QueuePermission(false, queues + "delete"); // Delete Queue
            case "GET 1 metadata", "HEAD 1 metadata" -> new QueuePermission(false, queues + "read"); // Get Queue Metadata
            case "POST 2" -> new QueuePermission(true, messages + "add/action"); // Put Message
            case "GET 2" -> new QueuePermission(true, messages + "process/action"); // Get Messages
            case "GET 2 peek" -> new QueuePermission(true, messages + "read"); // Peek Messages
            case "DELETE 2" -> new QueuePermission(true, messages + "delete"); // Clear Messages
            case "PUT 3" -> new QueuePermission(true, messages + "write"); // Update Message
            case "DELETE 3" -> new QueuePermission(true, messages + "process/action"); // Delete Message
            default -> throw new AssertionError("no documented permission for " + method + " " + path + "?" + query);
        };
    }

    /**
     * A plain HTTP proxy in front of Azurite that records each request (method, path, raw query)
     * and forwards it unchanged (Shared Key signs the path and headers, not the host).
     */
    static final class RecordingProxy implements AutoCloseable {
        record Request(String method, String path, String query) {
        }

        private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
                "transfer-encoding", "keep-alive");
        final List<Request> log = new CopyOnWriteArrayList<>();
        private final URI target;
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        RecordingProxy(URI target) throws IOException {
            this.target = target;
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::forward);
            server.setExecutor(executor);
            server.start();
        }

        String endpoint(String account) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + account;
        }

        private void forward(HttpExchange exchange) throws IOException {
            try {
                URI uri = exchange.getRequestURI();
                log.add(new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery()));
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.getScheme() + "://" + target.getRawAuthority()
                                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                        .method(exchange.getRequestMethod(), body.length == 0
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> response;
                try {
                    response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                response.headers().map().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                byte[] answer = response.body();
                boolean noBody = answer.length == 0 || exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
                if (!noBody) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                }
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /**
     * The RBAC action ARM checks for a request (role-definitions, "Actions format"): provider
     * namespace, the resource types of the path without their names, then {@code read} for GET,
     * {@code write} for PUT or PATCH, {@code delete} for DELETE, and for POST the trailing segment
     * (the action's name) with {@code /action}. A GET of a collection (an odd path, ending in a
     * type) reads that type. Lower case: ARM compares actions without regard to case.
     */
    static String armAction(String method, String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int providers = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).equalsIgnoreCase("providers")) {
                providers = i; // the last one: nested providers name the innermost resource's provider
            }
        }
        if (providers < 0 || providers + 2 >= segments.size()) {
            throw new AssertionError("not a provider request: " + method + " " + path);
        }
        List<String> rest = segments.subList(providers + 2, segments.size());
        StringBuilder action = new StringBuilder(segments.get(providers + 1));
        for (int i = 0; i < rest.size(); i += 2) {
            boolean last = i == rest.size() - 1;
            if (last && method.equals("POST")) {
                return action.append('/').append(rest.get(i)).append("/action").toString().toLowerCase(Locale.ROOT);
            }
            action.append('/').append(rest.get(i));
        }
        String verb = switch (method) {
            case "GET", "HEAD" -> "read";
            case "PUT", "PATCH" -> "write";
            case "DELETE" -> "delete";
            default -> throw new AssertionError("no RBAC verb for " + method + " " + path);
        };
        return action.append('/').append(verb).toString().toLowerCase(Locale.ROOT);
    }

    static Set<String> lower(java.util.Collection<String> actions) {
        return actions.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
