package io.vmssrunnerscaler.fakes.keyvault;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import reactor.core.publisher.Mono;

/**
 * A local HTTPS stand-in for Azure Key Vault's secrets API, enough for the SDK's async client:
 * {@code GET /secrets/{name}/[version]?api-version=...}, the bearer challenge on an
 * unauthenticated request, Key Vault's error JSON, and switches for rotation, outages and
 * throttling. It serves the test certificate ({@code test.tls.keystore}, SAN 127.0.0.1 and
 * localhost) that surefire's trust store holds; the client must be built with
 * {@code disableChallengeResourceVerification()}, as 127.0.0.1 is not under vault.azure.net.
 * Use {@link #credential()} as the client's credential. Each fake listens on a port no earlier
 * fake in the JVM used, because the SDK remembers a challenge per host:port for good.
 *
 * <pre>{@code
 * try (FakeKeyVault vault = FakeKeyVault.start()) {
 *     vault.setSecret("github-token", "ghp_...");
 *     SecretStore store = new KeyVaultSecretStore(vault.vaultUrl(), vault.credential(), vertx,
 *             KeyVaultSettings.defaults(), ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST);
 *     vault.throttleNext(2, Duration.ofSeconds(1)); // or goDown(Outage.REFUSE_CONNECTIONS), holdReads(), ...
 * }
 * }</pre>
 */
public final class FakeKeyVault implements AutoCloseable {
    public static final String TENANT = "00000000-0000-0000-0000-0000000fa4e1";
    public static final String RESOURCE = "https://vault.azure.net";
    public static final String CHALLENGE =
            "Bearer authorization=\"https://login.microsoftonline.com/" + TENANT + "\", resource=\"" + RESOURCE + "\"";

    /** How the vault is down. */
    public enum Outage {
        /** Every request answers 503 ServiceUnavailable. */
        SERVICE_UNAVAILABLE,
        /** The port is closed: connections are refused. */
        REFUSE_CONNECTIONS
    }

    /** One version of a secret. */
    public record SecretVersion(String version, String value, Instant created) {
    }

    /** A request as the vault saw it (no credentials). */
    public record Seen(String path, String apiVersion, boolean authenticated, int status) {
    }

    // The SDK caches a vault's challenge statically per host:port, for the life of the JVM. A fake
    // on a port an earlier fake used would never see a challenge, so each fake gets a fresh port.
    private static final Set<Integer> PORTS_USED = ConcurrentHashMap.newKeySet();

    private final String token = "fake-kv-token-" + UUID.randomUUID();
    private final SSLContext tls;
    private final ExecutorService handlers;
    private final Map<String, List<SecretVersion>> secrets = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger getCalls = new AtomicInteger();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private final AtomicInteger heldReads = new AtomicInteger();
    private volatile Duration retryAfter = Duration.ofSeconds(1);
    private volatile CountDownLatch readGate = new CountDownLatch(0);
    private volatile Outage outage;
    private volatile HttpsServer server;
    private final int port;
    private final SpecCheck spec = new SpecCheck("fake Key Vault", Specs.keyVaultSecrets());

    private FakeKeyVault(SSLContext tls) throws IOException {
        this.tls = tls;
        this.handlers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "fake-key-vault");
            t.setDaemon(true);
            return t;
        });
        HttpsServer fresh = bind(0);
        fresh.start(); // before any stop: an HttpServer never started keeps its socket open
        while (!PORTS_USED.add(fresh.getAddress().getPort())) {
            HttpsServer used = fresh;
            fresh = bind(0); // bound while the used one still holds its port, so a different one
            fresh.start();
            used.stop(0);
        }
        this.server = fresh;
        this.port = fresh.getAddress().getPort();
    }

    /** Starts a fake on a free port of 127.0.0.1. */
    public static FakeKeyVault start() {
        try {
            return new FakeKeyVault(io.vmssrunnerscaler.fakes.TestTls.serverContext());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every exchange held against Key Vault's secrets document (see {@link SpecCheck}). */
    public SpecCheck specCheck() {
        return spec;
    }

    /** The vault URL to give the client. */
    public String vaultUrl() {
        return "https://127.0.0.1:" + port;
    }

    /** A credential that issues this vault's token, only for the scope and tenant the challenge names. */
    public TokenCredential credential() {
        return request -> {
            if (!request.getScopes().equals(List.of(RESOURCE + "/.default")) || !TENANT.equals(request.getTenantId())) {
                return Mono.error(new IllegalStateException("token asked for " + request.getScopes()
                        + " in tenant " + request.getTenantId() + ", not what the challenge said"));
            }
            tokensIssued.incrementAndGet();
            return Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
        };
    }

    /** A credential that always issues {@code token}, e.g. one this vault does not accept. */
    public static TokenCredential staticCredential(String token) {
        return request -> Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
    }

    /** Creates the secret, or rotates it: a new current version. Returns the version id. */
    public String setSecret(String name, String value) {
        String version = UUID.randomUUID().toString().replace("-", "");
        secrets.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(new SecretVersion(version, value, Instant.now()));
        return version;
    }

    /** Removes the secret and all its versions. */
    public void deleteSecret(String name) {
        secrets.remove(name);
    }

    /** Answers 429 with {@code Retry-After} (whole seconds, as Key Vault sends it) to the next {@code calls} requests. */
    public void throttleNext(int calls, Duration retryAfter) {
        this.retryAfter = retryAfter;
        throttleNext.set(calls);
    }

    /** Goes down in the given way until {@link #comeBack()}. */
    public synchronized void goDown(Outage how) {
        if (how == Outage.REFUSE_CONNECTIONS && outage != Outage.REFUSE_CONNECTIONS) {
            server.stop(0);
        }
        outage = how;
    }

    /** Serves again, on the same port. */
    public synchronized void comeBack() {
        if (outage == Outage.REFUSE_CONNECTIONS) {
            try {
                server = bind(port);
            } catch (IOException e) {
                throw new UncheckedIOException("could not listen on port " + port + " again", e);
            }
            server.start();
        }
        outage = null;
    }

    /** Authenticated reads wait (at most 10 s) until {@link #releaseReads()}; to hold a read in flight. */
    public void holdReads() {
        readGate = new CountDownLatch(1);
    }

    /** Lets held reads answer. */
    public void releaseReads() {
        readGate.countDown();
    }

    /** Reads waiting at the gate now. */
    public int heldReads() {
        return heldReads.get();
    }

    /** Every GET the vault received, including challenges, throttled, failed and held ones. */
    public int getCalls() {
        return getCalls.get();
    }

    /** Requests answered 200 with a value. */
    public int valuesServed() {
        return (int) seen.stream().filter(s -> s.status() == 200).count();
    }

    /** Requests answered with the bearer challenge because they carried no token. */
    public int challengesIssued() {
        return (int) seen.stream().filter(s -> s.status() == 401 && !s.authenticated()).count();
    }

    /** Tokens {@link #credential()} issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** The GETs answered so far, in order. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Every value ever set, to check that none leaks into logs or messages. */
    public List<String> allValues() {
        List<String> all = new ArrayList<>();
        secrets.values().forEach(versions -> versions.forEach(v -> all.add(v.value())));
        return all;
    }

    @Override
    public synchronized void close() {
        releaseReads();
        server.stop(0);
        handlers.shutdownNow();
    }

    private HttpsServer bind(int onPort) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        s.setExecutor(handlers);
        s.createContext("/", this::handle);
        return s;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] raw = body.readAllBytes();
            boolean get = exchange.getRequestMethod().equals("GET");
            if (get) {
                getCalls.incrementAndGet(); // on arrival, so that held reads count
            }
            Answer answer = answer(exchange);
            if (get) {
                seen.add(new Seen(exchange.getRequestURI().getPath(), query(exchange.getRequestURI(), "api-version"),
                        authenticated(exchange), answer.status()));
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            answer.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            spec.check(new Exchange(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Exchange.query(exchange.getRequestURI().getRawQuery()), SpecCheck.json(raw), answer.status(), headers,
                    SpecCheck.json(answer.bodyBytes())));
            answer.writeTo(exchange);
        }
    }

    private Answer answer(HttpExchange exchange) {
        if (outage == Outage.SERVICE_UNAVAILABLE) {
            return Answer.error(503, "ServiceUnavailable", "The service is temporarily unavailable.");
        }
        if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            long seconds = (retryAfter.toMillis() + 999) / 1000;
            return Answer.error(429, "Throttled", "Rate limit exceeded. Try again later.")
                    .with("Retry-After", Long.toString(seconds));
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            return Answer.error(405, "MethodNotAllowed", "This fake serves GET only.");
        }
        if (!authenticated(exchange)) {
            boolean none = exchange.getRequestHeaders().getFirst("Authorization") == null;
            return Answer.error(401, "Unauthorized", none
                            ? "AKV10000: Request is missing a Bearer or PoP token."
                            : "AKV10032: Invalid issuer.")
                    .with("WWW-Authenticate", CHALLENGE);
        }
        if (query(exchange.getRequestURI(), "api-version") == null) {
            return Answer.error(400, "BadParameter", "The request URI contains an invalid API version.");
        }
        String[] path = exchange.getRequestURI().getPath().split("/");
        // "", "secrets", name [, version]; a trailing slash adds nothing after split.
        if (path.length < 3 || path.length > 4 || !path[1].equals("secrets")) {
            return Answer.error(404, "NotFound", "The requested resource was not found.");
        }
        awaitGate();
        return secret(exchange, path[2], path.length == 4 ? path[3] : null);
    }

    private Answer secret(HttpExchange exchange, String name, String version) {
        List<SecretVersion> versions = secrets.getOrDefault(name, List.of());
        SecretVersion found = versions.isEmpty() ? null : versions.get(versions.size() - 1);
        if (version != null) {
            found = versions.stream().filter(v -> v.version().equals(version)).findFirst().orElse(null);
        }
        if (found == null) {
            return Answer.error(404, "SecretNotFound", "A secret with (name/id) " + name
                    + " was not found in this key vault.");
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("value", found.value());
        body.put("id", "https://" + (host != null ? host : "127.0.0.1:" + port) + "/secrets/" + name + "/" + found.version());
        body.put("attributes", Map.of("enabled", true, "created", found.created().getEpochSecond(),
                "updated", found.created().getEpochSecond(), "recoveryLevel", "Recoverable+Purgeable",
                "recoverableDays", 90));
        body.put("tags", Map.of());
        return new Answer(200, body, Map.of());
    }

    private void awaitGate() {
        CountDownLatch gate = readGate;
        heldReads.incrementAndGet();
        try {
            gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heldReads.decrementAndGet();
        }
    }

    private boolean authenticated(HttpExchange exchange) {
        return ("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static String query(URI uri, String key) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(key) && kv.length == 2) {
                return kv[1];
            }
        }
        return null;
    }
}
