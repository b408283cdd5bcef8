package io.vmssrunnerscaler.fakes.arm;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Uniform scale set: raising capacity creates instances with increasing ids and computer names
 * {@code <prefix><6 base-36 digits>}, listed at once as Creating (with no PowerState in their
 * instance view) until the operation completes; lowering it removes the highest ids; re-image and delete
 * take time. State moves on lazily, whenever it is read, from the clock: no timers.
 */
public final class FakeScaleSet {

    /** An instance as a test sees it; {@code powerState} is null while Azure reports none. */
    /** @param vmId Azure's unique id of the VM ({@code properties.vmId}), what its attested document names */
    public record Instance(String instanceId, String computerName, String provisioningState, String powerState,
            String vmId) {
    }

    /** The power states Compute reports as {@code PowerState/<state>} in an instance view. */
    private static final java.util.Set<String> POWER_STATES =
            java.util.Set.of("starting", "running", "stopping", "stopped", "deallocating", "deallocated", "unknown");

    private static final class Vm {
        final int id;
        final String computerName;
        final String vmId = java.util.UUID.randomUUID().toString(); // kept by a re-image, as Azure does
        String state;
        String power = "running"; // PowerState/<power> in the instance view; null: no such status
        Instant due;      // when the pending change lands, or null
        String nextState; // the state then; null removes the instance

        Vm(int id, String computerName) {
            this.id = id;
            this.computerName = computerName;
        }
    }

    final String subscription;
    final String resourceGroup;
    final String name;
    private final String prefix;
    private final Clock clock;
    private final FakeArmOptions options;
    private final TreeMap<Integer, Vm> vms = new TreeMap<>();
    private int nextId;
    private int capacity;

    FakeScaleSet(String subscription, String resourceGroup, String name, String prefix, int capacity, FakeArmOptions options) {
        this.subscription = subscription;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.prefix = prefix;
        this.options = options;
        this.clock = options.clock();
        for (int i = 0; i < capacity; i++) {
            create().state = "Succeeded";
        }
        this.capacity = capacity;
    }

    /** The instances now, by increasing id. */
    public synchronized List<Instance> instances() {
        advance();
        return vms.values().stream().map(v -> new Instance(Integer.toString(v.id), v.computerName, v.state, v.power, v.vmId)).toList();
    }

    public synchronized int capacity() {
        advance();
        return capacity;
    }

    /** Forces an instance's state, e.g. "Failed", as Azure would after a failed boot. */
    public synchronized void setProvisioningState(String instanceId, String state) {
        vm(instanceId).state = state;
    }

    /**
     * Sets an instance's power state as Azure would report it after an operator's stop or
     * deallocate ({@code "stopped"}, {@code "deallocated"}, or {@code "stopping"},
     * {@code "deallocating"} on the way), or a start ({@code "starting"}, {@code "running"}).
     * Its provisioning state stays as it is: a stopped VM is still Succeeded.
     */
    public synchronized void powerOff(String instanceId, String powerState) {
        if (!POWER_STATES.contains(powerState)) {
            throw new IllegalArgumentException("not a power state Compute reports: " + powerState);
        }
        vm(instanceId).power = powerState;
    }

    /**
     * Azure evicts the instance (a Spot VM under the Delete eviction policy, or a VM deleted by
     * someone else): it leaves at once, and the scale set's capacity drops with it.
     */
    public synchronized void evict(String instanceId) {
        advance();
        Vm v = vm(instanceId);
        vms.remove(v.id);
        capacity--;
    }

    /** Applies a capacity PATCH; returns when the operation completes. */
    synchronized Instant setCapacity(int target, String failure) {
        advance();
        Instant due = clock.instant().plus(options.provisioningDelay());
        List<Vm> live = vms.values().stream().filter(v -> !"Deleting".equals(v.state)).toList();
        for (int i = live.size(); i < target; i++) {
            Vm v = create();
            v.power = null; // Compute reports no PowerState until the VM has been provisioned
            pending(v, "Creating", due, failure == null ? "Succeeded" : "Failed");
        }
        for (int i = live.size() - 1; i >= target; i--) {
            pending(live.get(i), "Deleting", due, failure == null ? null : "Failed");
        }
        capacity = target;
        return due;
    }

    /** Re-images these instances (all of them when null); returns when the operation completes. */
    synchronized Instant reimage(List<String> instanceIds, String failure) {
        advance();
        List<Vm> targets = instanceIds == null ? List.copyOf(vms.values()) : changeable(instanceIds);
        Instant due = clock.instant().plus(options.operationDelay());
        targets.forEach(v -> pending(v, "Updating", due, failure == null ? "Succeeded" : "Failed"));
        return due;
    }

    /** Deletes these instances; capacity drops with them. Returns when the operation completes. */
    synchronized Instant delete(List<String> instanceIds, String failure) {
        advance();
        if (instanceIds == null || instanceIds.isEmpty()) {
            throw new FakeArmError(400, "InvalidParameter", "instanceIds is required");
        }
        List<Vm> targets = changeable(instanceIds);
        Instant due = clock.instant().plus(options.operationDelay());
        targets.forEach(v -> pending(v, "Deleting", due, failure == null ? null : "Failed"));
        if (failure == null) {
            capacity -= targets.size();
        }
        return due;
    }

    /** One page of the listing: instances with ids above {@code afterId}; [items, last id or null if no more]. */
    synchronized Object[] page(int afterId, int size, boolean instanceView, String baseId) {
        advance();
        List<Map<String, Object>> items = new ArrayList<>();
        Integer last = null;
        for (Vm v : vms.tailMap(afterId, false).values()) {
            if (items.size() == size) {
                return new Object[] {items, last};
            }
            items.add(vmJson(v, instanceView, baseId));
            last = v.id;
        }
        return new Object[] {items, null};
    }

    synchronized Map<String, Object> json(String id) {
        advance();
        boolean busy = vms.values().stream().anyMatch(v -> v.due != null);
        Map<String, Object> sku = new LinkedHashMap<>(Map.of("name", "Standard_D2s_v5", "tier", "Standard", "capacity", capacity));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("provisioningState", busy ? "Updating" : "Succeeded");
        properties.put("orchestrationMode", "Uniform");
        properties.put("overprovision", false);
        properties.put("upgradePolicy", Map.of("mode", "Manual"));
        return resource(id, name, "Microsoft.Compute/virtualMachineScaleSets", sku, properties);
    }

    private Map<String, Object> vmJson(Vm v, boolean instanceView, String baseId) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("latestModelApplied", true);
        properties.put("provisioningState", v.state);
        properties.put("vmId", v.vmId);
        properties.put("osProfile", Map.of("computerName", v.computerName, "adminUsername", "runner"));
        if (instanceView) {
            List<Map<String, Object>> statuses = new ArrayList<>();
            statuses.add(Map.of("code", "ProvisioningState/" + v.state.toLowerCase(java.util.Locale.ROOT), "level", "Info"));
            if (v.power != null) {
                statuses.add(Map.of("code", "PowerState/" + v.power, "level", "Info"));
            }
            properties.put("instanceView", Map.of("computerName", v.computerName, "statuses", statuses));
        }
        Map<String, Object> json = resource(baseId + "/virtualMachines/" + v.id, name + "_" + v.id,
                "Microsoft.Compute/virtualMachineScaleSets/virtualMachines", Map.of("name", "Standard_D2s_v5", "tier", "Standard"),
                properties);
        json.put("instanceId", Integer.toString(v.id));
        return json;
    }

    private Map<String, Object> resource(String id, String resourceName, String type, Map<String, Object> sku,
            Map<String, Object> properties) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", resourceName);
        json.put("type", type);
        json.put("location", options.location());
        json.put("sku", sku);
        json.put("properties", properties);
        return json;
    }

    private List<Vm> changeable(List<String> instanceIds) {
        List<Vm> found = new ArrayList<>();
        for (String id : instanceIds) {
            Vm v = vm(id);
            if ("Deleting".equals(v.state)) {
                throw new FakeArmError(409, "Conflict", "instance " + id + " is being deleted");
            }
            found.add(v);
        }
        return found;
    }

    private Vm vm(String instanceId) {
        Vm v = null;
        try {
            v = vms.get(Integer.parseInt(instanceId));
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        if (v == null) {
            throw new FakeArmError(400, "InvalidParameter", "instance id " + instanceId + " is not in scale set " + name);
        }
        return v;
    }

    private Vm create() {
        Vm v = new Vm(nextId, prefix + base36(nextId));
        nextId++;
        vms.put(v.id, v);
        return v;
    }

    private static void pending(Vm v, String now, Instant due, String then) {
        v.state = now;
        v.due = due;
        v.nextState = then;
    }

    private void advance() {
        Instant now = clock.instant();
        vms.values().removeIf(v -> {
            if (v.due == null || v.due.isAfter(now)) {
                return false;
            }
            v.due = null;
            v.state = v.nextState;
            if (v.power == null && "Succeeded".equals(v.state)) {
                v.power = "running"; // created and booted
            }
            return v.state == null;
        });
    }

    static String base36(int id) {
        String digits = Integer.toString(id, 36);
        return "0".repeat(Math.max(0, 6 - digits.length())) + digits;
    }
}
