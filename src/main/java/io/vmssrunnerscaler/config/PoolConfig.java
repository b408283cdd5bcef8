package io.vmssrunnerscaler.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** One pool: {@code scaler.pools.<name>.*}. */
public interface PoolConfig {

    /**
     * Runner labels; a job is routed to the pool whose labels cover the job's. {@code self-hosted} is implied.
     * Required: optional here only so that a missing one is reported with every other problem at once.
     */
    Optional<List<String>> labels();

    /** Instances kept even with no demand (at least 1 when no webhook is configured). */
    @WithDefault("0")
    int min();

    /** Most instances the scale set may have. Required (see {@link #labels()}). */
    OptionalInt max();

    /** Keep this percentage of busy plus queued free on top of it (the original design's rule). */
    @WithDefault("25")
    int freePercent();

    /**
     * Idle (configured, job-less) runners kept ready on top of the demand, up to {@code max}. With
     * {@code free-percent}, the larger of the two asks for room on top of the demand; they are not added.
     */
    @WithDefault("0")
    int minIdle();

    /**
     * Periods of the week with their own sizing, tried in the order of their ids: the first in
     * force wins; outside all of them the pool's own settings apply.
     */
    Map<String, SchedulePeriod> schedules();

    /** An idle target that follows the pool's recent arrival rate, bounded by {@code min-idle} and {@code max}. */
    AdaptiveIdle adaptiveIdle();

    /** What happens to an instance after its job: {@code reimage-or-delete} or {@code delete}. */
    @WithDefault("reimage-or-delete")
    String afterJob();

    /** A VM that has not asked for its runner configuration by then is replaced, after a drain at GitHub. */
    @WithDefault("10m")
    Duration bootTimeout();

    /**
     * After Azure refuses capacity (quota, allocation, SKU), no capacity is asked for this long;
     * doubled with each refusal in a row, up to 30 minutes.
     */
    @WithDefault("1m")
    Duration refusalBackoff();

    /** A surplus idle instance is deleted after idling this long. */
    @WithDefault("5m")
    Duration idleCooldown();

    /** After the job-completed hook, the job counts as over after this long without other news. */
    @WithDefault("60s")
    Duration finishGrace();

    /** A queued job that never started stops counting as demand after this long. */
    @WithDefault("1h")
    Duration queuedMaxAge();

    /**
     * Ask GitHub to re-run a job lost with its runner (evicted, vanished, offline under the job)
     * once its workflow run is over, at most once per job. Off by default: a re-run repeats the
     * job's side effects.
     */
    @WithDefault("false")
    boolean rerunLostJobs();

    /**
     * At most this many re-run requests per hour for the pool: enough for a storm that evicts
     * dozens of busy runners, and a bound on a job that keeps killing its own VM.
     */
    @WithDefault("30")
    int rerunsPerHour();

    /**
     * In a pool over several scale sets: this many evictions of one scale set within
     * {@code eviction-window} send new capacity to the next scale set until {@code eviction-cooldown}
     * after the latest of them.
     */
    @WithDefault("3")
    int evictionThreshold();

    /** See {@code eviction-threshold}. */
    @WithDefault("10m")
    Duration evictionWindow();

    /** See {@code eviction-threshold}. */
    @WithDefault("30m")
    Duration evictionCooldown();

    /** Where runners register: a repository {@code owner/name} or an organisation {@code org}. Required. */
    Optional<String> scope();

    /** Runner group for organisation runners. */
    @WithDefault("Default")
    String runnerGroup();

    /** The scale set the pool drives (when {@code scale-sets} is not given). */
    ScaleSet scaleSet();

    /**
     * The scale sets the pool spans, in order of preference: new capacity goes to the first that
     * is not refusing capacity and has room, then the next. Replaces {@code scale-set.*}.
     */
    Optional<List<Member>> scaleSets();

    /** {@code scaler.pools.<name>.schedules.<id>.*}. */
    interface SchedulePeriod {
        /** Days the period starts on: {@code mon-fri}, {@code sat,sun}, {@code daily}. Required, as are the next three. */
        Optional<String> days();

        /** Local start time, {@code HH:MM}. */
        Optional<String> start();

        /** Local end time, {@code HH:MM} ({@code 24:00} for midnight); before the start, the period runs past midnight. */
        Optional<String> end();

        /** IANA time zone name the times are in, such as {@code Europe/Berlin}. */
        Optional<String> timezone();

        /** The pool's min while the period is in force. */
        OptionalInt min();

        /** The pool's min-idle while the period is in force. */
        OptionalInt minIdle();

        /** The pool's max while the period is in force (a scale set's own max still caps it). */
        OptionalInt max();

        /** The pool's free-percent while the period is in force. */
        OptionalInt freePercent();
    }

    /** {@code scaler.pools.<name>.adaptive-idle.*}. */
    interface AdaptiveIdle {
        /** Follow the arrival rate. */
        @WithDefault("false")
        boolean enabled();

        /** Arrivals are counted over this window, per minute. */
        @WithDefault("30m")
        Duration window();

        /** From asking for a VM to its runner taking a job (the pool's boot time, as measured). */
        @WithDefault("2m")
        Duration bootTime();

        /** How often the idle runners should cover the arrivals within one boot time, in (0, 1). */
        @WithDefault("0.95")
        double quantile();
    }

    interface ScaleSet {
        /** Azure subscription id (required with {@code scaler.cloud=azure}). */
        Optional<String> subscription();

        /** Resource group (required with {@code scaler.cloud=azure}). */
        Optional<String> resourceGroup();

        /** Scale set name; defaults to the pool's name in the simulator. */
        Optional<String> name();

        /**
         * The scale set's computer-name prefix ({@code osProfile.computerNamePrefix}): runners are
         * named this plus six characters. Defaults to the letters and digits of the scale set's
         * name, at most 9. Reconcile removes offline runners of this name pattern that no instance is behind.
         */
        Optional<String> computerNamePrefix();
    }

    /** One scale set of a pool that spans several. */
    interface Member extends ScaleSet {
        /** The most instances this scale set may hold; defaults to the pool's {@code max}. */
        OptionalInt max();

        /** No new runners here: the scale set shrinks to zero (no busy runner touched) and may then leave the list. */
        @WithDefault("false")
        boolean drain();
    }
}
