package io.vmssrunnerscaler.scaleset.azure;

import java.net.URL;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which scale set and which throttling bucket an ARM request is charged to, read from its method
 * and path alone, so that every HTTP request (each page of a listing, each retry, the final GET of
 * a long-running operation) is budgeted the way Azure counts it.
 *
 * <p>Mapping (the table in docs/PROTOCOLS.md, "Azure throttling"): capacity PATCH and the set-level
 * {@code POST .../reimage} (even with instanceIds: it is the scale set's Reimage API, not the per-VM
 * one) go to Update VMSS. The set-level {@code POST .../delete} with instanceIds (DeleteInstances)
 * is named in neither table; it deletes VMs, so it is charged to Delete VMSS VMs (same 4/min,
 * bucket 12 as Delete VMSS, and this adapter makes no other call in either bucket, so the choice
 * costs nothing if Azure uses the other one). Listing instances is a High-cost Get.
 * Operation-status polls are not charged: they fall under Compute's separate Get Operation policy
 * (15/min, bucket 45 per resource).
 */
public record ArmCall(String scaleSet, ArmPolicy policy) {

    private static final Pattern PATH = Pattern.compile(
            "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.compute/virtualmachinescalesets/([^/]+)(/.*)?");
    private static final Pattern ONE_VM = Pattern.compile("/virtualmachines/[^/]+");
    private static final Pattern VM_ACTION = Pattern.compile("/virtualmachines/[^/]+/([a-z]+)");

    /** The key of a scale set's buckets: subscription/resourceGroup/name, lower case (ARM ignores case). */
    public static String key(String subscription, String resourceGroup, String name) {
        return (subscription + "/" + resourceGroup + "/" + name).toLowerCase(Locale.ROOT);
    }

    /** The bucket this request is charged to, or empty when no scale-set policy counts it. */
    public static Optional<ArmCall> classify(String method, URL url) {
        String path = url.getPath().replaceAll("//+", "/").toLowerCase(Locale.ROOT);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String rest = m.group(4) == null ? "" : m.group(4);
        return policy(method.toUpperCase(Locale.ROOT), rest)
                .map(p -> new ArmCall(m.group(1) + "/" + m.group(2) + "/" + m.group(3), p));
    }

    private static Optional<ArmPolicy> policy(String method, String rest) {
        if (rest.isEmpty()) {
            return switch (method) {
                case "GET" -> Optional.of(ArmPolicy.LOW_COST_GET_VMSS);
                case "PATCH", "PUT" -> Optional.of(ArmPolicy.UPDATE_VMSS);
                case "DELETE" -> Optional.of(ArmPolicy.DELETE_VMSS);
                default -> Optional.empty();
            };
        }
        if (method.equals("GET")) {
            if (rest.equals("/virtualmachines") || rest.equals("/instanceview")) {
                return Optional.of(ArmPolicy.HIGH_COST_GET_VMSS);
            }
            return ONE_VM.matcher(rest).matches() || rest.matches("/virtualmachines/[^/]+/instanceview")
                    ? Optional.of(ArmPolicy.GET_VMSS_VMS) : Optional.empty();
        }
        if (method.equals("POST")) {
            return postPolicy(rest);
        }
        if (ONE_VM.matcher(rest).matches()) {
            return switch (method) {
                case "PATCH", "PUT" -> Optional.of(ArmPolicy.UPDATE_VMSS_VMS);
                case "DELETE" -> Optional.of(ArmPolicy.DELETE_VMSS_VMS);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    private static Optional<ArmPolicy> postPolicy(String rest) {
        Matcher vm = VM_ACTION.matcher(rest);
        if (vm.matches()) {
            return switch (vm.group(1)) {
                case "poweroff", "deallocate" -> Optional.of(ArmPolicy.DELETE_VMSS_VMS);
                default -> Optional.of(ArmPolicy.UPDATE_VMSS_VMS);
            };
        }
        return switch (rest) {
            case "/reimage", "/reimageall", "/start", "/restart", "/redeploy", "/performmaintenance" ->
                    Optional.of(ArmPolicy.UPDATE_VMSS);
            case "/delete" -> Optional.of(ArmPolicy.DELETE_VMSS_VMS);
            case "/poweroff", "/deallocate" -> Optional.of(ArmPolicy.DELETE_VMSS);
            default -> Optional.empty();
        };
    }
}
