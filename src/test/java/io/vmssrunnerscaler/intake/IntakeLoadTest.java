package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import io.vmssrunnerscaler.shell.PoolLoop;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, part 6: 1,000 signed {@code workflow_job} deliveries (GitHub's own payload shape) and 200
 * runner hook calls sent at once over real connections. Nothing is answered 5xx, every request is
 * answered and counted by the service's own metrics, the pool ends up with exactly the jobs still
 * queued, and the delivery-id cache stays within its size.
 */
@QuarkusTest
@TestProfile(LoadProfile.class)
class IntakeLoadTest {
    private static final Logger LOG = Logger.getLogger(IntakeLoadTest.class);
    private static final long FIRST_JOB = 900_001;
    /** queued for jobs 1..700; completed for 601..700; queued for a repository no pool serves; redeliveries of 100 queued. */
    private static final int QUEUED = 700, COMPLETED = 100, FOREIGN = 100, REDELIVERED = 100, HOOK_CALLS = 200;
    private static final int DELIVERIES = QUEUED + COMPLETED + FOREIGN + REDELIVERED;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ScalerRuntime runtime;

    @Inject
    MeterRegistry metrics;

    @TestHTTPResource("/")
    URI root;

    /** A request and what it is, for counting its answer. */
    private record Call(String kind, HttpRequest request) {}

    /** {@code status} -1: no answer at all; {@code millis} from the first request sent to this answer. */
    private record Answer(String kind, int status, long millis) {}

    @Test
    void aThousandDeliveriesAndTwoHundredHookCallsAtOnceAreAllAnsweredAndAccountedFor() throws Exception {
        Listed.await(runtime, () -> pool().state().instances().size(), 5);
        List<Call> calls = new ArrayList<>(deliveries());
        calls.addAll(hookCalls(hookTokens()));
        Collections.shuffle(calls, new Random(5));
        Map<String, Double> deliveriesBefore = counts("scaler.webhook.deliveries");
        Map<String, Double> hooksBefore = counts("scaler.runner.calls");
        long heapBefore = heapAfterGc();

        long start = System.nanoTime();
        List<Answer> answers = sendAllAtOnce(calls);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        processed();

        Map<String, Map<Integer, Long>> byKind = answers.stream().collect(Collectors.groupingBy(Answer::kind, TreeMap::new,
                Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting())));
        Map<String, Double> delivered = delta(deliveriesBefore, counts("scaler.webhook.deliveries"));
        // Only the hooks: re-imaged VMs of the simulator may ask for their configuration meanwhile.
        Map<String, Double> hooked = delta(hooksBefore, counts("scaler.runner.calls"));
        hooked.keySet().removeIf(kind -> kind.startsWith("config"));
        long heapGrowth = heapAfterGc() - heapBefore;
        List<Long> times = answers.stream().map(Answer::millis).sorted().toList();
        LOG.infof("%d requests in %d ms (answered after: first %d ms, median %d ms, 99%% %d ms); answers %s; "
                + "deliveries counted %s; hook calls counted %s; heap +%d KiB", calls.size(), took.toMillis(), times.get(0),
                times.get(times.size() / 2), times.get(times.size() * 99 / 100), byKind, delivered, hooked, heapGrowth / 1024);

        // Every request answered, nothing 5xx.
        assertEquals(calls.size(), answers.size());
        assertTrue(answers.stream().allMatch(a -> a.status() >= 200 && a.status() < 300), byKind::toString);
        // All accounted for by the service's own counters.
        assertEquals(DELIVERIES, delivered.values().stream().mapToDouble(Double::doubleValue).sum(), 0.0, delivered::toString);
        assertEquals(Set.of("accepted", "duplicate", "ignored"), nonZero(delivered), delivered::toString);
        assertEquals(FOREIGN, delivered.get("ignored"), 0.0);
        assertEquals(QUEUED + COMPLETED + REDELIVERED, delivered.get("accepted") + delivered.get("duplicate"), 0.0);
        assertEquals(count(answers, 200), delivered.get("duplicate"), 0.0, "a duplicate is answered 200");
        assertTrue(delivered.get("duplicate") > 0, "redeliveries are recognised under load (those still remembered)");
        assertEquals(Map.of("job-completed/accepted", HOOK_CALLS / 2.0, "job-started/accepted", HOOK_CALLS / 2.0), hooked);
        assertEquals(Map.of(202, (long) HOOK_CALLS), byKind.get("hook"));
        // The pool holds exactly the jobs still queued: 1..600 (601..700 completed, whatever the order).
        assertEquals(LongStream.range(FIRST_JOB, FIRST_JOB + QUEUED - COMPLETED).boxed().collect(Collectors.toSet()),
                pool().state().queued().keySet());
        // Memory bounded: the delivery-id cache within its size; the pool's inbox never refused an event
        // (no "overloaded" above), so it never reached scaler.pool-inbox-limit. The heap check is only a
        // sanity bound: it also holds the test client's idle connections.
        Gauge cache = metrics.find("scaler.webhook.delivery.cache.size").gauge();
        assertTrue(cache.value() <= LoadProfile.DELIVERY_CACHE_SIZE && cache.value() > 0, "cache holds " + cache.value());
        assertTrue(heapGrowth < 256L << 20, "heap grew by " + (heapGrowth >> 20) + " MiB");
    }

    /**
     * Fires every request before any answer is awaited (each on its own connection); a small fixed
     * pool runs the client's work. All must be answered within 45 s, on a loaded 2-core machine too.
     */
    private static List<Answer> sendAllAtOnce(List<Call> calls) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            HttpClient http = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<Answer>> pending = calls.stream()
                    .map(c -> http.sendAsync(c.request(), HttpResponse.BodyHandlers.discarding())
                            .handle((response, error) -> new Answer(c.kind(), response == null ? -1 : response.statusCode(),
                                    (System.nanoTime() - start) / 1_000_000)))
                    .toList();
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);
            return pending.stream().map(CompletableFuture::join).toList();
        } finally {
            executor.shutdownNow();
        }
    }

    private List<Call> deliveries() throws IOException {
        ObjectNode template = (ObjectNode) WebhookResourceTest.workflowJobExamples().stream()
                .filter(e -> e.path("action").asText().equals("queued")).findFirst().orElseThrow();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            String guid = UUID.randomUUID().toString();
            byte[] body = payload(template, "queued", FIRST_JOB + i, "octo-org/app");
            calls.add(new Call("queued", delivery(guid, body)));
            if (i < REDELIVERED) {
                calls.add(new Call("redelivery", delivery(guid, body))); // GitHub's redelivery: same GUID, same body
            }
        }
        for (int i = QUEUED - COMPLETED; i < QUEUED; i++) {
            calls.add(new Call("completed", delivery(UUID.randomUUID().toString(),
                    payload(template, "completed", FIRST_JOB + i, "octo-org/app"))));
        }
        for (int i = 0; i < FOREIGN; i++) {
            calls.add(new Call("foreign", delivery(UUID.randomUUID().toString(),
                    payload(template, "queued", FIRST_JOB + 5_000 + i, "someone-else/elsewhere"))));
        }
        return calls;
    }

    private static byte[] payload(ObjectNode template, String action, long jobId, String repository) {
        ObjectNode root = template.deepCopy();
        root.put("action", action);
        ObjectNode job = (ObjectNode) root.path("workflow_job");
        job.put("id", jobId);
        job.put("run_id", jobId * 10);
        job.put("status", action);
        job.putNull("runner_name");
        job.putArray("labels").add("self-hosted").add("linux");
        ((ObjectNode) root.path("repository")).put("full_name", repository);
        root.putObject("organization").put("login", repository.split("/")[0]);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpRequest delivery(String guid, byte[] body) {
        return HttpRequest.newBuilder(root.resolve("/github/webhook")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(GitHubHeaders.EVENT, "workflow_job")
                .header(GitHubHeaders.DELIVERY, guid)
                .header(GitHubHeaders.SIGNATURE_256, Deliveries.sign(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Each instance asks for its configuration once, as its VM would, and keeps the hook token. */
    private Map<String, String> hookTokens() {
        Map<String, String> tokens = new HashMap<>();
        for (Instance instance : List.copyOf(pool().state().instances().values())) {
            tokens.put(instance.name(), Attested.jitconfig(instance.name(), instance.vmId()).statusCode(200)
                    .extract().path("hookToken"));
        }
        return tokens;
    }

    private List<Call> hookCalls(Map<String, String> tokens) {
        List<String> runners = List.copyOf(tokens.keySet());
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < HOOK_CALLS; i++) {
            String runner = runners.get(i % runners.size());
            String hook = (i / runners.size()) % 2 == 0 ? "job-started" : "job-completed";
            calls.add(new Call("hook", HttpRequest.newBuilder(root.resolve("/runners/" + runner + "/" + hook))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tokens.get(runner))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()));
        }
        return calls;
    }

    /** Deliveries are answered before their pool processed them; an answered question goes through after. */
    private void processed() {
        runtime.scaler().loops().forEach(l -> l.ask(new PoolEvent.Tick()).await().atMost(Duration.ofSeconds(30)));
    }

    private PoolLoop pool() {
        return runtime.scaler().loop("linux").orElseThrow();
    }

    /** A counter's values by outcome, or by kind/outcome where it has a kind. */
    private Map<String, Double> counts(String counter) {
        Map<String, Double> counts = new HashMap<>();
        for (Counter c : metrics.find(counter).counters()) {
            String kind = c.getId().getTag("kind");
            counts.merge((kind == null ? "" : kind + "/") + c.getId().getTag("outcome"), c.count(), Double::sum);
        }
        return counts;
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new TreeMap<>();
        after.forEach((k, v) -> {
            double d = v - before.getOrDefault(k, 0.0);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    private static Set<String> nonZero(Map<String, Double> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static long count(List<Answer> answers, int status) {
        return answers.stream().filter(a -> a.status() == status && !a.kind().equals("hook")).count();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
