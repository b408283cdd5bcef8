package io.vmssrunnerscaler.runtime;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.fakes.arm.FakeArmCounters;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.github.GitHubHeaders;
import io.vmssrunnerscaler.github.WebhookSignature;
import io.vmssrunnerscaler.github.WorkflowJob;
import io.vmssrunnerscaler.sim.WorkflowJobDelivery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays GitHub and the runner VMs around the fakes, the way the simulator does around its own
 * world: VMs the fake ARM created or re-imaged boot and fetch their configuration, queued jobs
 * go to idle runners, run, and are reported by hooks and signed webhooks. Remembers every job's
 * fate and every re-image or delete that hit a runner with a job. One thread; test-only.
 */
final class FakeFleet implements AutoCloseable {
    private static final String SCOPE = "octo-org/app";

    /** A job; {@code runId} 0 for one that belongs to no run of the fake GitHub. */
    private record Job(long id, long runId, Duration duration) {
        Job(long id, Duration duration) {
            this(id, 0, duration);
        }
    }

    private final class Runner {
        final String name;
        String hookToken;
        Job job;
        Instant doneAt;
        boolean retired;

        Runner(String name) {
            this.name = name;
        }
    }

    private final URI scaler;
    private final FakeScaleSet scaleSet;
    private final FakeArmCounters arm;
    private final WebhookSignature signature;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, String> states = new HashMap<>();
    /** A VM whose configuration request was refused asks again after a pause, like cloud-init. */
    private final Map<String, Instant> retryAt = new HashMap<>();
    private final Map<String, Runner> runners = new HashMap<>();
    private final ArrayDeque<Job> queued = new ArrayDeque<>();
    private int writesSeen;
    private volatile boolean paused;
    private final Map<Job, String> dying = new HashMap<>();
    final Set<Long> completed = ConcurrentHashMap.newKeySet();
    /** Runs whose jobs went to runners that Azure took away, by run id. */
    final Set<Long> lostRuns = ConcurrentHashMap.newKeySet();
    /** The jobs those runners were running. */
    final Set<Long> lostJobs = ConcurrentHashMap.newKeySet();
    final List<String> busyTouched = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Waits until the scaler under test (on the test port) is ready, then plays the fake world of
     * {@link AzureWorld} around it.
     */
    static FakeFleet aroundTheScalerOn(int port) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        return new FakeFleet(URI.create("http://127.0.0.1:" + port), AzureWorld.scaleSet, AzureWorld.arm.counters(),
                AzureWorld.WEBHOOK_SECRET);
    }

    /** Every capacity the scaler ever asked the fake ARM for stayed within {@code max}. */
    void assertCapacityNeverAbove(int max) {
        List<FakeArmCounters.Write> writes = arm.writes();
        assertTrue(writes.stream().filter(w -> w.capacity() != null).allMatch(w -> w.capacity() <= max), writes::toString);
    }

    FakeFleet(URI scaler, FakeScaleSet scaleSet, FakeArmCounters arm, String webhookSecret) {
        this.scaler = scaler;
        this.scaleSet = scaleSet;
        this.arm = arm;
        this.signature = new WebhookSignature(webhookSecret);
        thread.scheduleWithFixedDelay(this::step, 0, 100, TimeUnit.MILLISECONDS);
    }

    void submit(int count, long firstId, Duration duration) {
        thread.execute(() -> {
            for (long id = firstId; id < firstId + count; id++) {
                queued.add(new Job(id, duration));
                webhook("queued", id, null, 0, null);
            }
        });
    }

    /**
     * Jobs that are workflow runs of the fake GitHub, one job each: started and completed there too,
     * and a re-run GitHub accepts is queued and delivered like any new job.
     */
    List<Long> submitRuns(int count, Duration duration) {
        List<Long> runIds = new java.util.ArrayList<>();
        AzureWorld.gitHub.onJobsQueued(jobs -> thread.execute(() -> jobs.forEach(j -> {
            queued.add(new Job(j.id(), j.runId(), duration));
            webhook("queued", j.id(), null, j.runId(), null);
        })));
        for (int i = 0; i < count; i++) {
            long runId = AzureWorld.gitHub.addRun(SCOPE, List.of("self-hosted", "linux"), "build");
            long jobId = AzureWorld.gitHub.run(SCOPE, runId).orElseThrow().jobs().get(0).id();
            runIds.add(runId);
            thread.execute(() -> {
                queued.add(new Job(jobId, runId, duration));
                webhook("queued", jobId, null, runId, null);
            });
        }
        return runIds;
    }

    /** The runners running a job now. */
    List<String> busyRunners() {
        return onFleet(() -> runners.values().stream().filter(r -> r.job != null).map(r -> r.name).sorted().toList());
    }

    /**
     * Azure evicts the runner's VM. With {@code watcher} its watcher of scheduled events
     * (deploy/runner/watch-evictions.sh) runs first against the fake metadata service and tells
     * the scaler; without, nobody is told (the scaler is down, or the watcher died). Then the VM
     * is gone and capacity with it, and the runner offline at GitHub; its job is failed there only
     * once GitHub notices ({@link #gitHubNoticesLostRunners}).
     */
    void evict(String runnerName, EvictionWatcher watcher) {
        onFleet(() -> {
            Runner r = runners.get(runnerName);
            FakeScaleSet.Instance vm = scaleSet.instances().stream().filter(i -> i.computerName().equals(runnerName))
                    .findFirst().orElseThrow(() -> new AssertionError("no VM " + runnerName));
            if (watcher != null) {
                watcher.announce(vm, r.hookToken);
            }
            scaleSet.evict(vm.instanceId());
            runners.remove(runnerName);
            states.remove(vm.instanceId());
            if (AzureWorld.gitHub.hasRunner(SCOPE, runnerName)) {
                AzureWorld.gitHub.runnerLost(SCOPE, runnerName);
            }
            if (r.job != null) {
                lostRuns.add(r.job.runId());
                lostJobs.add(r.job.id());
                dying.put(r.job, runnerName);
                r.job = null;
            }
            return null;
        });
    }

    /**
     * GitHub fails the jobs whose runners went away, with a {@code completed} delivery when
     * {@code deliver} (not while the scaler is down).
     */
    void gitHubNoticesLostRunners(boolean deliver) {
        onFleet(() -> {
            dying.forEach((job, runner) -> {
                AzureWorld.gitHub.completeJob(SCOPE, job.id(), "failure");
                if (deliver) {
                    webhook("completed", job.id(), runner, job.runId(), "failure");
                }
            });
            dying.clear();
            return null;
        });
    }

    /** Stops playing (the scaler is down): nothing is sent until {@link #resume}. */
    void pause() {
        onFleet(() -> paused = true);
    }

    void resume() {
        paused = false;
    }

    /** How the test tells a VM's watcher to run. */
    interface EvictionWatcher {
        void announce(FakeScaleSet.Instance vm, String hookToken);
    }

    private <T> T onFleet(java.util.concurrent.Callable<T> work) {
        try {
            return thread.submit(work).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void step() {
        if (paused) {
            return;
        }
        try {
            checkWrites();
            bootVms();
            finishJobs();
            assignJobs();
        } catch (RuntimeException e) {
            busyTouched.add("driver failed: " + e);
        }
    }

    /** A re-image or delete that names an instance whose runner runs a job is the one thing that must never happen. */
    private void checkWrites() {
        List<FakeArmCounters.Write> writes = arm.writes();
        for (FakeArmCounters.Write w : writes.subList(writesSeen, writes.size())) {
            if (w.route() == FakeArmCounters.Route.REIMAGE || w.route() == FakeArmCounters.Route.DELETE_INSTANCES) {
                for (FakeScaleSet.Instance i : scaleSet.instances()) {
                    if (w.instanceIds() != null && w.instanceIds().contains(i.instanceId())) {
                        Runner r = runners.remove(i.computerName());
                        if (r != null && r.job != null) {
                            busyTouched.add(w.route() + " of " + i.computerName() + " running job " + r.job.id());
                        }
                        states.put(i.instanceId(), "gone-or-reimaging");
                    }
                }
            }
        }
        writesSeen = writes.size();
    }

    /** A VM that finished provisioning (first boot or after a re-image) fetches its configuration. */
    private void bootVms() {
        for (FakeScaleSet.Instance i : scaleSet.instances()) {
            String before = states.put(i.instanceId(), i.provisioningState());
            if ("retry".equals(before) && Instant.now().isBefore(retryAt.getOrDefault(i.instanceId(), Instant.MIN))) {
                states.put(i.instanceId(), "retry");
                continue;
            }
            if ("Succeeded".equals(i.provisioningState()) && !"Succeeded".equals(before) && !runners.containsKey(i.computerName())) {
                HttpResponse<String> r = fetchConfig(i);
                if (r != null && r.statusCode() == 200) {
                    Runner runner = new Runner(i.computerName());
                    runner.hookToken = read(r.body(), "hookToken");
                    runners.put(runner.name, runner);
                } else {
                    states.put(i.instanceId(), "retry"); // not listed yet, or still re-imaging: ask again soon
                    retryAt.put(i.instanceId(), Instant.now().plusSeconds(2));
                }
            }
        }
    }

    /** The VM's boot step: a nonce, its metadata service's attested document, the configuration. */
    private HttpResponse<String> fetchConfig(FakeScaleSet.Instance vm) {
        HttpResponse<String> nonce = post("/runners/" + vm.computerName() + "/nonce", null, null);
        if (nonce.statusCode() != 200) {
            return null;
        }
        String document = TestAttestation.trustedDocument(vm.vmId(), AzureWorld.SUBSCRIPTION, read(nonce.body(), "nonce"));
        HttpRequest request = HttpRequest.newBuilder(scaler.resolve("/runners/" + vm.computerName() + "/jitconfig"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(document)).build();
        return send(request);
    }

    private void assignJobs() {
        for (Runner r : runners.values()) {
            if (queued.isEmpty()) {
                return;
            }
            if (r.job == null && !r.retired && AzureWorld.gitHub.hasRunner(SCOPE, r.name)) {
                AzureWorld.gitHub.setBusy(SCOPE, r.name, true);
                r.job = queued.poll();
                r.doneAt = Instant.now().plus(r.job.duration());
                if (r.job.runId() != 0) {
                    AzureWorld.gitHub.startJob(SCOPE, r.job.id(), r.name);
                }
                post("/runners/" + r.name + "/job-started", r.hookToken, null);
                webhook("in_progress", r.job.id(), r.name, r.job.runId(), null);
            }
        }
    }

    private void finishJobs() {
        for (Runner r : runners.values()) {
            if (r.job != null && Instant.now().isAfter(r.doneAt)) {
                post("/runners/" + r.name + "/job-completed", r.hookToken, null);
                AzureWorld.gitHub.jobDone(SCOPE, r.name);
                if (r.job.runId() != 0) {
                    AzureWorld.gitHub.completeJob(SCOPE, r.job.id(), "success");
                }
                webhook("completed", r.job.id(), r.name, r.job.runId(), "success");
                completed.add(r.job.id());
                r.job = null;
                r.retired = true; // a JIT runner runs one job
            }
        }
    }

    private void webhook(String action, long jobId, String runner, long runId, String conclusion) {
        String body = new String(WorkflowJobDelivery.body(new WorkflowJob(action, jobId, List.of("self-hosted", "linux"), runner,
                SCOPE, "octo-org", runId, conclusion)), java.nio.charset.StandardCharsets.UTF_8);
        post("/github/webhook", null, body);
    }

    private HttpResponse<String> post(String path, String hookToken, String webhookBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(scaler.resolve(path)).timeout(Duration.ofSeconds(10));
        if (hookToken != null) {
            b.header("Authorization", "Bearer " + hookToken);
        }
        if (webhookBody != null) {
            byte[] bytes = webhookBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.header("Content-Type", "application/json").header(GitHubHeaders.EVENT, "workflow_job")
                    .header(GitHubHeaders.DELIVERY, UUID.randomUUID().toString())
                    .header(GitHubHeaders.SIGNATURE_256, signature.sign(bytes));
            b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else {
            b.POST(HttpRequest.BodyPublishers.noBody());
        }
        return send(b.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String read(String body, String field) {
        try {
            return json.readTree(body).path(field).asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
