package io.vmssrunnerscaler.sim;

import io.smallrye.mutiny.Uni;
import io.vmssrunnerscaler.sim.SimEvent.Kind;
import io.vmssrunnerscaler.time.TimeSource;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The simulated Azure and GitHub, sharing one clock, one seeded random source and one event log.
 * Its state is only touched from tasks on its {@link TimeSource}, which runs them one at a time.
 */
public final class SimWorld {
    private final TimeSource time;
    private final SimSettings settings;
    private final Random random;
    private final SimEventLog log = new SimEventLog();
    private final SimulatedAzure azure;
    private final SimulatedGitHub gitHub;
    private final Map<String, Integer> injectedFailures = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private volatile ScalerEndpoints endpoints;

    public SimWorld(TimeSource time, SimSettings settings, Collection<SimScaleSet> scaleSets) {
        this.time = time;
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.azure = new SimulatedAzure(this, scaleSets);
        this.gitHub = new SimulatedGitHub(this);
    }

    /**
     * Runs {@code work} on the simulator's clock after {@code delay}, never on the caller's stack,
     * as every simulated call answers; its exception fails the Uni.
     */
    <T> Uni<T> later(Duration delay, Supplier<T> work) {
        return Uni.createFrom().emitter(emitter -> time.schedule(delay, () -> {
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            emitter.complete(result);
        }));
    }

    /** Connects the world to the scaler it exercises; done once, before anything runs. */
    public void connect(ScalerEndpoints scaler) {
        this.endpoints = scaler;
    }

    /** The next {@code count} calls of this kind fail (setCapacity, reimage, delete, createRunnerConfig). */
    public void injectFailures(String call, int count) {
        injectedFailures.merge(call, count, Integer::sum);
    }

    void failIfInjected(String call) {
        boolean[] fail = {false};
        injectedFailures.computeIfPresent(call, (k, n) -> {
            fail[0] = true;
            return n > 1 ? n - 1 : null;
        });
        if (fail[0]) {
            throw new SimulatedFailure("InternalServerError: injected failure of " + call);
        }
    }

    /**
     * From now on capacity raises of this scale set are refused with Azure's error {@code code}
     * (e.g. {@code OperationNotAllowed} for the vCPU quota); a null code lifts the refusal.
     */
    public void refuseCapacity(String scaleSet, String code) {
        if (code == null) {
            refusals.remove(scaleSet);
        } else {
            refusals.put(scaleSet, code);
        }
    }

    void refuseIfRefusing(String scaleSet) {
        String code = refusals.get(scaleSet);
        if (code != null) {
            throw new SimulatedRefusal(scaleSet, code);
        }
    }

    void log(Kind kind, long jobId, String scaleSet, String instanceId, int value, String detail) {
        log.add(new SimEvent(time.now(), kind, jobId, scaleSet, instanceId, value, detail));
    }

    public SimulatedAzure azure() {
        return azure;
    }

    public SimulatedGitHub gitHub() {
        return gitHub;
    }

    public SimEventLog log() {
        return log;
    }

    public TimeSource time() {
        return time;
    }

    SimSettings settings() {
        return settings;
    }

    Random random() {
        return random;
    }

    ScalerEndpoints endpoints() {
        return endpoints;
    }
}
