package io.vmssrunnerscaler.fakes.azurite;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Azurite queue service (npm {@code azurite}, installed by the build into src/test/npm),
 * on a free port of 127.0.0.1. It can be stopped and started again on the same port to simulate an
 * outage, or paused (SIGSTOP) to simulate a queue that accepts connections but never answers.
 * In memory by default; {@link #onDisk()} keeps the data across a stop, as the real service would.
 */
public final class Azurite implements AutoCloseable {
    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development key: public, not a secret. */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Path PROJECT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path EXECUTABLE = PROJECT.resolve("src/test/npm/node_modules/.bin/azurite-queue");

    private final int port;
    private final Path dataDir;
    private final Path log;
    private final Thread reaper = new Thread(this::kill, "azurite-reaper");
    private Process process;

    private Azurite(Path dataDir) {
        this.port = freePort();
        this.dataDir = dataDir;
        this.log = PROJECT.resolve("target").toFile().isDirectory()
                ? PROJECT.resolve("target/azurite-" + port + ".log")
                : Path.of(System.getProperty("java.io.tmpdir"), "azurite-" + port + ".log");
        Runtime.getRuntime().addShutdownHook(reaper); // no stray Azurite if a test run is killed
    }

    /** A started Azurite that keeps its data in memory (lost on stop). */
    public static Azurite inMemory() {
        Azurite azurite = new Azurite(null);
        azurite.start();
        return azurite;
    }

    /** A started Azurite that keeps its data in a temporary folder, across stop and start. */
    public static Azurite onDisk() {
        try {
            Azurite azurite = new Azurite(Files.createTempDirectory("azurite-"));
            azurite.start();
            return azurite;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String queueEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";QueueEndpoint=" + queueEndpoint() + ";";
    }

    /** Starts the process (again, on the same port) and returns once it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: run the build (npm ci in src/test/npm)");
        }
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + EXECUTABLE, e);
        }
        Process started = process;
        await("Azurite accepting connections on port " + port).atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("Azurite exited with " + started.exitValue() + ", see " + log);
                    }
                    return accepts();
                });
    }

    /**
     * Stops the process tree: calls are refused until {@link #start()}. On disk it stops gracefully
     * (SIGTERM), so that Azurite saves its data; in memory it is killed.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        resume(); // a stopped (SIGSTOP) process would not handle SIGTERM
        if (dataDir == null) {
            kill(); // nothing to save: the quickest outage
            process = null;
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        process = null;
    }

    /** Freezes the process: connections are accepted by the kernel but nothing is answered. */
    public synchronized void pause() {
        signal("-STOP");
    }

    public synchronized void resume() {
        signal("-CONT");
    }

    public boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it kills the process anyway
        }
        deleteData();
    }

    private List<String> command() {
        List<String> persistence = dataDir == null
                ? List.of("--inMemoryPersistence")
                : List.of("--location", dataDir.toString());
        return Stream.concat(Stream.of(EXECUTABLE.toString(), "--queueHost", "127.0.0.1",
                        "--queuePort", String.valueOf(port), "--disableTelemetry", "--silent"),
                persistence.stream()).toList();
    }

    private synchronized void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteData() {
        if (dataDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
