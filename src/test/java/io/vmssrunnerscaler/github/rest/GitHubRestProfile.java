package io.vmssrunnerscaler.github.rest;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Boots Quarkus for the REST client only: on a free HTTP port of its own (other test suites use
 * 8081 at the same time) and with a simulator whose VMs never boot, so nothing else runs.
 */
public class GitHubRestProfile implements QuarkusTestProfile {
    private static final int PORT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", String.valueOf(PORT), "scaler.sim.provisioning-delay", "1h");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
