package io.vmssrunnerscaler.runtime;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.engine.PoolState;
import io.vmssrunnerscaler.fakes.arm.FakeScaleSet;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * An eviction storm in azure mode, against the fakes: runner VMs' own watchers
 * (deploy/runner/watch-evictions.sh) read Preempt events from the fake metadata service and tell
 * the scaler; the fake ARM deletes the VMs; GitHub fails their jobs. The scaler is restarted in
 * the middle of it, and one VM goes while it is down. Every run still ends successful, each lost
 * job re-run exactly once through the fake GitHub, and no busy runner that was not evicted is touched.
 */
@QuarkusTest
@TestProfile(AzureEvictionProfile.class)
class AzureEvictionTest {
    static final int RUNS = 8;

    @Inject
    ScalerRuntime runtime;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void anEvictionStormAcrossARestartLosesNoRunAndReRunsEachLostJobOnce() throws IOException {
        Path dir = Files.createTempDirectory("eviction-watchers");
        try (FakeFleet fleet = FakeFleet.aroundTheScalerOn(port);
                FakeImds imds = FakeImds.start(TestAttestation.trustedSigner())) {
            List<Long> runIds = fleet.submitRuns(RUNS, Duration.ofSeconds(8));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> fleet.busyRunners().size() >= 3);
            List<String> victims = fleet.busyRunners().subList(0, 3);

            // Two VMs are preempted while the scaler runs: their watchers tell it, then Azure takes them.
            for (String victim : victims.subList(0, 2)) {
                fleet.evict(victim, (vm, token) -> announce(imds, dir, vm, token));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> victims.subList(0, 2).stream()
                    .allMatch(v -> state().byName(v).map(i -> i.phase() == Phase.EVICTED).orElse(true)));
            assertEquals(2, runtime.scaler().lostJobs("linux").size(), "both jobs recorded lost");

            // The scaler stops before GitHub has failed those jobs; while it is down a third VM goes
            // unannounced and GitHub fails all three jobs (deliveries to a stopped scaler are lost).
            fleet.pause();
            runtime.stop();
            fleet.evict(victims.get(2), null);
            fleet.gitHubNoticesLostRunners(false);
            runtime.start();
            fleet.resume();

            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250))
                    .until(() -> runIds.stream().allMatch(id -> succeeded(id)) || !fleet.busyTouched.isEmpty());
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            assertThat("every run ends successful, lost ones after a re-run",
                    runIds.stream().map(this::succeeded).toList(), everyItem(is(true)));

            List<FakeGitHub.Rerun> accepted = AzureWorld.gitHub.reruns().stream().filter(r -> r.status() == 201).toList();
            assertEquals(3, fleet.lostJobs.size());
            assertEquals(fleet.lostJobs, accepted.stream().map(FakeGitHub.Rerun::id).collect(Collectors.toSet()),
                    "the lost jobs, and only they, were re-run: " + accepted);
            assertEquals(3, accepted.size(), "each lost job re-run exactly once: " + accepted);
            assertThat(runtime.scaler().lostJobs("linux").stream().map(j -> j.outcome().label()).toList(),
                    everyItem(is("rerun")));
            assertThat(runtime.scaler().lostJobs("linux").stream().map(j -> j.reason()).toList(), hasItem("vanished"));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> AzureWorld.scaleSet.instances().isEmpty() && state().live() == 0);
            assertEquals(List.of(), fleet.busyTouched, "a busy runner was re-imaged or deleted");
            fleet.assertCapacityNeverAbove(4);
            assertEquals(List.of(), imds.specCheck().violations());
        }
    }

    /** The VM's watcher, run once as its systemd service would, against the fake metadata service. */
    private void announce(FakeImds imds, Path dir, FakeScaleSet.Instance vm, String hookToken) {
        String imdsName = AzureWorld.SCALE_SET + "_" + vm.instanceId();
        imds.serve(imdsName, vm.vmId(), AzureWorld.SUBSCRIPTION);
        String eventId = imds.scheduleEvent(imdsName, "Preempt", List.of(imdsName), Instant.now().plusSeconds(30));
        try {
            Path state = Files.createDirectories(dir.resolve(vm.computerName()).resolve("state"));
            Files.writeString(state.resolve("hook-auth-header"), "Authorization: Bearer " + hookToken + "\n");
            ProcessBuilder pb = new ProcessBuilder("bash", Path.of("deploy/runner/watch-evictions.sh").toAbsolutePath().toString(),
                    "--once").redirectErrorStream(true);
            pb.environment().putAll(Map.of("IMDS_URL", imds.baseUriFor(imdsName).toString(),
                    "VMSS_RUNNER_SCALER_URL", "http://127.0.0.1:" + port,
                    "VMSS_RUNNER_STATE_DIR", state.toString(),
                    "WATCH_STATE_DIR", dir.resolve(vm.computerName()).resolve("watch").toString(),
                    "RUNNER_NAME", vm.computerName(), "NOTICE_SECONDS", "10", "RETRY_SECONDS", "1",
                    "TMPDIR", dir.toString()));
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("watcher failed: " + out);
            }
            assertThat("the hook token was logged", out, not(org.hamcrest.Matchers.containsString(hookToken)));
            assertEquals(List.of(eventId), imds.startRequests(imdsName), "approved to Azure once the scaler answered");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean succeeded(long runId) {
        return AzureWorld.gitHub.run("octo-org/app", runId).map(r -> "success".equals(r.conclusion())).orElse(false);
    }

    private PoolState state() {
        return runtime.scaler().loop("linux").orElseThrow().state();
    }
}
