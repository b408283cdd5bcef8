package io.vmssrunnerscaler.bench;

import com.azure.core.credential.TokenRequestContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.azurite.Azurite;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Azure and GitHub for the packaged service in azure mode, as a process of its own (bench/startup):
 * the local HTTPS fakes of Resource Manager (one Uniform scale set), Key Vault (the three secrets)
 * and GitHub, a real Azurite for the busy queue, and a fake managed-identity endpoint of the App
 * Service kind, which azure-identity's {@code DefaultAzureCredential} (its {@code
 * ManagedIdentityCredential}, through MSAL) uses when {@code IDENTITY_ENDPOINT} and {@code
 * IDENTITY_HEADER} are set. The endpoint hands out the tokens the fakes accept: FakeArm's for the
 * management resource, the fake vault's for {@code https://vault.azure.net}. So the packaged jar
 * authenticates exactly as in production, with no test bean in it.
 *
 * <p>Writes the service's settings as {@code KEY=value} environment lines to the file given as
 * {@code settings=...} (written last, so its presence means everything is up), then serves until
 * killed. {@code POST <identity endpoint's host>/reset} replaces the fakes by a fresh set (a scale
 * set of {@code capacity=1} instance, an empty queue, a GitHub with no runners) on new ports and
 * rewrites the settings file, so that each measured run starts from the same state while the fakes'
 * JVM stays warm, as Azure would be. Needs the fakes' TLS key store ({@code -Dtest.tls.keystore})
 * and, for Azurite, the project folder as working directory.
 *
 * <pre>
 * java -Dtest.tls.keystore=target/test-tls/fakes.p12 -cp ... io.vmssrunnerscaler.bench.FakeAzureWorld \
 *     settings=bench/startup/out/azure.env webhook-secret=... max=20 capacity=1
 * </pre>
 */
public final class FakeAzureWorld {
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a2b3";
    static final String GITHUB_TOKEN = "ghp_fakeTokenFromTheVault";
    static final String HOOK_KEY = "hook-token-key-from-the-vault-0123456789";
    static final String OPERATOR_TOKEN = "operator-token-from-the-vault-0123456789";
    static final String MANAGEMENT = "https://management.core.windows.net";

    private FakeAzureWorld() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path settings = Path.of(args.text("settings", "target/fake-azure.env"));
        Files.deleteIfExists(settings);
        String identityHeader = UUID.randomUUID().toString();
        IdentityEndpoint identity = new IdentityEndpoint(identityHeader);
        AtomicReference<Fakes> current = new AtomicReference<>();
        Runnable reset = () -> {
            Fakes old = current.get();
            if (old != null) {
                old.close();
            }
            Fakes fresh = Fakes.start(args);
            current.set(fresh);
            identity.tokens = Map.of(MANAGEMENT, FakeArmOptions.TOKEN, FakeKeyVault.RESOURCE, fresh.vaultToken());
            writeSettings(settings, fresh.settings(args, identity.url(), identityHeader));
        };
        reset.run();
        identity.onReset(reset);
        System.out.println("fake Azure world up; settings in " + settings + "; POST " + identity.resetUrl()
                + " for a fresh world");

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Fakes last = current.get();
            System.out.println("identity tokens served: " + identity.served() + ", refused: " + identity.refused()
                    + "; last world: ARM requests " + last.arm().counters().requests() + ", vault GETs "
                    + last.vault().getCalls() + ", GitHub calls " + last.gitHub().totalCalls());
            identity.close();
            last.close();
            stop.countDown();
        }, "fake-azure-world-stop"));
        stop.await();
    }

    private static void writeSettings(Path settings, Map<String, String> env) {
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        try {
            Path tmp = settings.resolveSibling(settings.getFileName() + ".tmp");
            Files.writeString(tmp, lines);
            Files.move(tmp, settings, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One set of fakes: what a run of the service sees; a run after a load gets a fresh set. */
    record Fakes(FakeArm arm, FakeKeyVault vault, FakeGitHub gitHub, Azurite azurite, String vaultToken)
            implements AutoCloseable {

        static Fakes start(Args args) {
            FakeArm arm = FakeArm.start(FakeArmOptions.defaults()
                    .withDelays(Duration.ofMillis(300), Duration.ofMillis(200)));
            arm.addScaleSet(SUBSCRIPTION, "runners", "linux-vmss", "linux", (int) args.number("capacity", 1));
            FakeKeyVault vault = FakeKeyVault.start();
            vault.setSecret("github-token", GITHUB_TOKEN);
            vault.setSecret("github-webhook-secret", args.text("webhook-secret", "bench-only-webhook-secret"));
            vault.setSecret("runner-hook-token-key", HOOK_KEY);
            vault.setSecret("operator-token", OPERATOR_TOKEN); // as deployed: no retries for a missing one
            // The token the vault accepts, taken from its own credential for the scope and tenant of
            // its challenge; the identity endpoint hands it out for the vault resource.
            String vaultToken = vault.credential().getToken(new TokenRequestContext()
                    .addScopes(FakeKeyVault.RESOURCE + "/.default").setTenantId(FakeKeyVault.TENANT))
                    .block().getToken();
            FakeGitHub gitHub = FakeGitHub.start().acceptToken(GITHUB_TOKEN);
            Azurite azurite = Azurite.inMemory();
            return new Fakes(arm, vault, gitHub, azurite, vaultToken);
        }

        Map<String, String> settings(Args args, String identityUrl, String identityHeader) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SCALER_CLOUD", "azure");
            env.put("SCALER_AZURE_RESOURCE_MANAGER_ENDPOINT", arm.baseUri().toString());
            env.put("SCALER_AZURE_POLL_INTERVAL", "200ms");
            env.put("SCALER_AZURE_KEY_VAULT_URL", vault.vaultUrl());
            env.put("SCALER_AZURE_QUEUE_CONNECTION_STRING", azurite.connectionString());
            env.put("SCALER_GITHUB_API_URL", gitHub.baseUri().toString());
            env.put("SCALER_POOLS_LINUX_LABELS", "linux,x64");
            env.put("SCALER_POOLS_LINUX_SCOPE", "octo-org/app");
            env.put("SCALER_POOLS_LINUX_MIN", "1");
            env.put("SCALER_POOLS_LINUX_MAX", Long.toString(args.number("max", 20)));
            env.put("SCALER_POOLS_LINUX_SCALE_SET_SUBSCRIPTION", SUBSCRIPTION);
            env.put("SCALER_POOLS_LINUX_SCALE_SET_RESOURCE_GROUP", "runners");
            env.put("SCALER_POOLS_LINUX_SCALE_SET_NAME", "linux-vmss");
            env.put("SCALER_POOLS_LINUX_SCALE_SET_COMPUTER_NAME_PREFIX", "linux");
            env.put("IDENTITY_ENDPOINT", identityUrl);
            env.put("IDENTITY_HEADER", identityHeader);
            return env;
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {arm, vault, gitHub, azurite}) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the next set listens on other ports
                }
            }
        }
    }

    /**
     * The App Service managed-identity protocol (api-version 2019-08-01): {@code GET
     * ?resource=...&api-version=2019-08-01} with header {@code X-IDENTITY-HEADER}, answered with
     * {@code access_token}, {@code expires_on} (epoch seconds), {@code resource}, {@code token_type}.
     * Plain HTTP on 127.0.0.1, as the real endpoint is local too.
     */
    static final class IdentityEndpoint implements AutoCloseable {
        private final HttpServer server;
        private final String header;
        volatile Map<String, String> tokens = Map.of();
        private final AtomicInteger served = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();

        IdentityEndpoint(String header) throws IOException {
            this.header = header;
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/msi/token", this::handle);
            server.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "fake-identity");
                t.setDaemon(true);
                return t;
            }));
            server.start();
        }

        /** {@code POST /reset}: closes the fakes and starts a fresh set (new ports, new settings file). */
        void onReset(Runnable reset) {
            server.createContext("/reset", exchange -> {
                try (exchange) {
                    int status = 405;
                    if (exchange.getRequestMethod().equals("POST")) {
                        try {
                            reset.run();
                            status = 204;
                        } catch (RuntimeException e) {
                            e.printStackTrace();
                            status = 500;
                        }
                    }
                    exchange.sendResponseHeaders(status, -1);
                }
            });
        }

        String resetUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/reset";
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token";
        }

        int served() {
            return served.get();
        }

        int refused() {
            return refused.get();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                String resource = query.getOrDefault("resource", "");
                String token = tokens.get(resource.replaceAll("/+$", ""));
                int status;
                String body;
                if (!header.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
                    status = 401;
                    body = "{\"error\":\"invalid_request\",\"error_description\":\"missing or wrong X-IDENTITY-HEADER\"}";
                } else if (!"2019-08-01".equals(query.get("api-version")) || token == null) {
                    status = 400;
                    body = "{\"error\":\"invalid_resource\",\"error_description\":\"no token for resource '"
                            + resource + "' (api-version " + query.get("api-version") + ")\"}";
                } else {
                    status = 200;
                    body = "{\"access_token\":\"" + token + "\",\"expires_on\":\""
                            + Instant.now().plus(Duration.ofHours(1)).getEpochSecond() + "\",\"resource\":\"" + resource
                            + "\",\"token_type\":\"Bearer\",\"client_id\":\"00000000-0000-0000-0000-0000000b3c4d\"}";
                }
                (status == 200 ? served : refused).incrementAndGet();
                if (status != 200) {
                    System.out.println("identity endpoint: " + status + " for " + exchange.getRequestURI());
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> q = new LinkedHashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            return q;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
