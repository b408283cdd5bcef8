package io.vmssrunnerscaler.scaleset.azure;

import com.azure.core.management.AzureEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * How the Azure scale-set adapter talks to ARM. Plain values, so that the wiring can fill them
 * from configuration and tests from a local fake.
 *
 * @param armEndpoint       ARM base URL ({@code resourceManagerEndpointUrl}); a local fake in tests
 * @param tokenScope        scope of the bearer token ARM accepts
 * @param pollInterval      pause between polls of a long-running operation when Azure names none
 *                          (the SDK's default is 30 s)
 * @param attemptTimeout    one HTTP exchange, until the response headers arrive
 * @param listDeadline      a whole listing, every page, retry and budget wait included
 * @param operationDeadline a whole capacity change, re-image or delete, polling until done included
 * @param maxAttempts       tries of one HTTP request (first one included) on 429, 5xx, network failure
 * @param firstBackoff      pause before the second try after a 5xx or network failure; doubles each time
 * @param maxWait           the longest one request waits for budget or a Retry-After; beyond it the
 *                          call fails at once with {@link ScaleSetException.Throttled}
 * @param userAgent         application id sent in the User-Agent header
 */
public record AzureScaleSetSettings(
        URI armEndpoint,
        String tokenScope,
        Duration pollInterval,
        Duration attemptTimeout,
        Duration listDeadline,
        Duration operationDeadline,
        int maxAttempts,
        Duration firstBackoff,
        Duration maxWait,
        String userAgent) {

    /** Azure's public cloud. */
    public static final URI AZURE_ARM = URI.create(AzureEnvironment.AZURE.getResourceManagerEndpoint());
    /** {@code https://management.core.windows.net//.default}: the management endpoint plus "/.default". */
    public static final String AZURE_SCOPE = AzureEnvironment.AZURE.getManagementEndpoint() + "/.default";

    public AzureScaleSetSettings {
        List<String> problems = new ArrayList<>();
        if (armEndpoint == null || !"https".equals(armEndpoint.getScheme())) {
            problems.add("armEndpoint must be an https URL (bearer tokens are never sent over http)");
        }
        if (tokenScope == null || tokenScope.isBlank()) {
            problems.add("tokenScope is required");
        }
        positive(problems, "pollInterval", pollInterval);
        positive(problems, "attemptTimeout", attemptTimeout);
        positive(problems, "listDeadline", listDeadline);
        positive(problems, "operationDeadline", operationDeadline);
        positive(problems, "firstBackoff", firstBackoff);
        positive(problems, "maxWait", maxWait);
        if (maxAttempts < 1) {
            problems.add("maxAttempts must be >= 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid Azure scale-set settings: " + String.join("; ", problems));
        }
    }

    /** Production defaults for Azure's public cloud. */
    public static AzureScaleSetSettings defaults() {
        return new AzureScaleSetSettings(AZURE_ARM, AZURE_SCOPE, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofMinutes(15), 4, Duration.ofSeconds(1), Duration.ofSeconds(60),
                "vmss-runner-scaler");
    }

    public AzureScaleSetSettings withArmEndpoint(URI endpoint) {
        return new AzureScaleSetSettings(endpoint, tokenScope, pollInterval, attemptTimeout, listDeadline,
                operationDeadline, maxAttempts, firstBackoff, maxWait, userAgent);
    }

    public AzureScaleSetSettings withPollInterval(Duration interval) {
        return new AzureScaleSetSettings(armEndpoint, tokenScope, interval, attemptTimeout, listDeadline,
                operationDeadline, maxAttempts, firstBackoff, maxWait, userAgent);
    }

    public AzureScaleSetSettings withDeadlines(Duration attempt, Duration list, Duration operation) {
        return new AzureScaleSetSettings(armEndpoint, tokenScope, pollInterval, attempt, list, operation,
                maxAttempts, firstBackoff, maxWait, userAgent);
    }

    public AzureScaleSetSettings withRetries(int attempts, Duration backoff, Duration longestWait) {
        return new AzureScaleSetSettings(armEndpoint, tokenScope, pollInterval, attemptTimeout, listDeadline,
                operationDeadline, attempts, backoff, longestWait, userAgent);
    }

    /** The ARM environment the SDK is given: Azure's, with the resource-manager endpoint replaced. */
    AzureEnvironment environment() {
        var endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", armEndpoint.toString());
        return new AzureEnvironment(endpoints);
    }

    private static void positive(List<String> problems, String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(name + " must be > 0");
        }
    }
}
