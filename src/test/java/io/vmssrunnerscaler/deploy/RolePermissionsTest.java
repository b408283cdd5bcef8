package io.vmssrunnerscaler.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vmssrunnerscaler.engine.Operation;
import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.arm.StaticTokenCredential;
import io.vmssrunnerscaler.scaleset.ScaleSetPort;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSet;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSetSettings;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
