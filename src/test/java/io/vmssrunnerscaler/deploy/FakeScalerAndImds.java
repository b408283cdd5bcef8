package io.vmssrunnerscaler.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An HTTP server on 127.0.0.1 that plays the scaler's runner endpoints and Azure's instance metadata
 * service for deploy/runner/fetch-config.sh, recording every request:
 * <ul>
 * <li>{@code POST /runners/{name}/nonce}: a new 32-character nonce each time, unless an answer was
 * queued with {@link #answerNonce};</li>
 * <li>{@code GET /metadata/attested/document}: a pkcs7 JSON document whose signature names the nonce
 * (distinct bytes for every call);</li>
 * <li>{@code POST /runners/{name}/jitconfig}: {@code ENCODED_JIT_CONFIG=jit-1} and
 * {@code HOOK_TOKEN=hook-1}, unless an answer was queued with {@link #answerJitconfig};</li>
 * <li>{@code POST /runners/{name}/online}, {@code /job-started}, {@code /job-completed}: the runner's
 * notices, 204 ({@link #awaitRequests} waits for them).</li>
 * </ul>
 */
final class FakeScalerAndImds implements AutoCloseable {
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        /** The first value of header {@code name} (any case), or null. */
        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty())
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }

        Map<String, String> query() {
            Map<String, String> query = new LinkedHashMap<>();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            return query;
        }
    }

    private record Answer(int status, String body) {}

    private final HttpServer server;
    private final Path tmp;
    private final SecureRandom random = new SecureRandom();
    private final List<Request> requests = new ArrayList<>();
    private final List<String> nonces = new ArrayList<>();
    private final List<byte[]> documents = new ArrayList<>();
    private final Deque<Answer> nonceAnswers = new ArrayDeque<>();
    private final Deque<Answer> jitconfigAnswers = new ArrayDeque<>();
    private List<String> documentFileModes = List.of();

    private FakeScalerAndImds(HttpServer server, Path tmp) {
        this.server = server;
        this.tmp = tmp;
    }

    /** Started; {@code tmp} is the script's TMPDIR, looked at while it asks for its configuration. */
    static FakeScalerAndImds start(Path tmp) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeScalerAndImds fake = new FakeScalerAndImds(server, tmp);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The next answer to a nonce request, before the usual ones. */
    synchronized void answerNonce(int status, String body) {
        nonceAnswers.add(new Answer(status, body));
    }

    /** The next answer to a jitconfig request, before the usual one. */
    synchronized void answerJitconfig(int status, String body) {
        jitconfigAnswers.add(new Answer(status, body));
    }

    /**
     * Waits until at least {@code count} requests whose path ends with {@code suffix} came, at most
     * {@code timeout} (woken by each request, never polling); then those requests.
     */
    synchronized List<Request> awaitRequests(String suffix, int count, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests(suffix).size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("fewer than " + count + " requests to *" + suffix + " within " + timeout + ": " + calls());
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return requests(suffix);
    }

    /** "METHOD path" of every request, in order. */
    synchronized List<String> calls() {
        return requests.stream().map(r -> r.method() + " " + r.path()).collect(Collectors.toList());
    }

    /** The requests whose path ends with {@code suffix}, in order. */
    synchronized List<Request> requests(String suffix) {
        return requests.stream().filter(r -> r.path().endsWith(suffix)).collect(Collectors.toList());
    }

    /** The nonces handed out, in order. */
    synchronized List<String> nonces() {
        return List.copyOf(nonces);
    }

    /** The attested documents served, byte for byte, in order. */
    synchronized List<byte[]> documents() {
        return List.copyOf(documents);
    }

    /** Modes of the script's temporary directory and of the document in it, seen at the last jitconfig request. */
    synchronized List<String> documentFileModes() {
        return documentFileModes;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Answer answer;
            if (path.startsWith("/runners/") && path.endsWith("/nonce")) {
                answer = nonceAnswers.isEmpty() ? newNonce() : nonceAnswers.poll();
            } else if (path.equals("/metadata/attested/document")) {
                answer = attestedDocument(exchange);
            } else if (path.startsWith("/runners/") && path.endsWith("/jitconfig")) {
                documentFileModes = lookAtTemporaryFiles();
                answer = jitconfigAnswers.isEmpty() ? new Answer(200, "ENCODED_JIT_CONFIG=jit-1\nHOOK_TOKEN=hook-1\n")
                        : jitconfigAnswers.poll();
            } else if (path.startsWith("/runners/") && path.matches(".*/(online|job-started|job-completed)")) {
                answer = new Answer(204, "");
            } else {
                answer = new Answer(404, "{\"outcome\":\"no-such-endpoint\"}");
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            exchange.getResponseBody().write(out);
        } finally {
            notifyAll();
        }
    }

    private Answer newNonce() {
        StringBuilder nonce = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            nonce.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        nonces.add(nonce.toString());
        return new Answer(200, "NONCE=" + nonce + "\nEXPIRES_AT=2030-01-01T00:00:00Z\n");
    }

    private Answer attestedDocument(HttpExchange exchange) {
        if (!"true".equals(exchange.getRequestHeaders().getFirst("Metadata"))) {
            return new Answer(400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
        }
        String query = exchange.getRequestURI().getRawQuery();
        String signature = Base64.getEncoder().encodeToString(("pkcs7 for " + query + " #" + documents.size())
                .getBytes(StandardCharsets.UTF_8));
        // as IMDS writes it, and not as a JSON library would rewrite it
        String document = "{\"encoding\":\"pkcs7\",\"signature\":\"" + signature + "\"}";
        documents.add(document.getBytes(StandardCharsets.UTF_8));
        return new Answer(200, document);
    }

    private List<String> lookAtTemporaryFiles() {
        try (Stream<Path> dirs = Files.list(tmp)) {
            List<String> modes = new ArrayList<>();
            for (Path d : dirs.collect(Collectors.toList())) {
                modes.add("directory " + PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
                Path document = d.resolve("attested-document.json");
                if (Files.exists(document)) {
                    modes.add("attested-document.json " + PosixFilePermissions.toString(Files.getPosixFilePermissions(document)));
                }
            }
            return modes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
