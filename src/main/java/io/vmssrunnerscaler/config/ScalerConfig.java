package io.vmssrunnerscaler.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Everything under {@code scaler.}: see the configuration reference in README.md. */
@ConfigMapping(prefix = "scaler")
public interface ScalerConfig {

    /**
     * Which world the scaler drives: Azure and GitHub (the production default), or the built-in
     * simulator (the default of {@code quarkus:dev} and the tests).
     */
    @WithDefault("azure")
    Cloud cloud();

    /** How often the time-based rules (cool-down, boot timeout, grace periods) are applied. */
    @WithDefault("5s")
    Duration tickInterval();

    /** Re-image and delete commands for one scale set within this window become one call. */
    @WithDefault("2s")
    Duration batchWindow();

    /** How many events may wait for one pool before intake answers 503 (bounded memory). */
    @WithDefault("10000")
    int poolInboxLimit();

    /** Reconciliation with the scale set. */
    Reconcile reconcile();

    /** The pools, by name. At least one. */
    Map<String, PoolConfig> pools();

    /** The built-in simulator, used when {@code scaler.cloud=simulated}. */
    SimConfig sim();

    /** GitHub: webhooks and the REST API. */
    GitHub github();

    /** Azure, used when {@code scaler.cloud=azure}. */
    Azure azure();

    /** Who may call the operator endpoints ({@code /pools}, {@code /q/metrics}, {@code /sim}, ...). */
    Operator operator();

    interface Operator {
        /**
         * The token operator endpoints require ({@code Authorization: Bearer <token>}, at least 32
         * characters); simulator mode only: azure mode reads it from Key Vault. Unset in simulator
         * mode: the operator endpoints answer callers on this host (loopback) only.
         */
        Optional<String> token();
    }

    interface Azure {
        /** Client id of the scaler's user-assigned managed identity; empty: the default credential chain. */
        Optional<String> clientId();

        /** Azure Resource Manager endpoint (another cloud, or a local fake in tests). */
        @WithDefault("https://management.azure.com/")
        String resourceManagerEndpoint();

        /** How often a long-running scale-set operation is polled (the SDK's default is 30 s). */
        @WithDefault("5s")
        Duration pollInterval();

        /** One Resource Manager request that has not answered by then is abandoned and retried with back-off. */
        @WithDefault("30s")
        Duration requestTimeout();

        /**
         * The period Azure's per-scale-set refill figures are counted over: 1m, as Azure documents
         * them (docs/PROTOCOLS.md, "Azure throttling"). Only tests against a fake Resource Manager
         * whose buckets refill faster shorten it, so that minutes of throttled calls pass in seconds.
         */
        @WithDefault("1m")
        Duration throttlePeriod();

        /** The storage queue that holds the busy runners. */
        Queue queue();

        /** The Key Vault that holds the GitHub credential and the webhook secret. */
        KeyVault keyVault();

        interface Queue {
            /** Queue service URL, e.g. {@code https://<account>.queue.core.windows.net} (managed identity). */
            Optional<String> serviceUrl();

            /** A connection string instead of the service URL (Azurite, or a key-based account). Secret. */
            Optional<String> connectionString();

            /** Queue name. */
            @WithDefault("busy-runners")
            String name();
        }

        interface KeyVault {
            /** Vault URL, e.g. {@code https://<vault>.vault.azure.net}. */
            Optional<String> url();

            /** Secret holding the GitHub personal access token (token mode). */
            @WithDefault("github-token")
            String githubTokenSecret();

            /** Secret holding the GitHub App's private key, PEM (app mode). */
            @WithDefault("github-app-private-key")
            String githubAppKeySecret();

            /** Secret holding the webhook secret. */
            @WithDefault("github-webhook-secret")
            String webhookSecretSecret();

            /** Secret holding the key of the runners' hook tokens. */
            @WithDefault("runner-hook-token-key")
            String hookTokenKeySecret();

            /** Secret holding the operator token (operator endpoints; at least 32 characters). */
            @WithDefault("operator-token")
            String operatorTokenSecret();

            /** How long a secret is cached before it is read again (also re-read when GitHub answers 401). */
            @WithDefault("1h")
            Duration cacheTtl();
        }
    }

    /** The endpoints runner VMs call. */
    Runners runners();

    interface GitHub {
        /** GitHub's REST API (GitHub Enterprise Server: {@code https://<host>/api/v3}). */
        @WithDefault("https://api.github.com")
        String apiUrl();

        /** GitHub App id; set it (with the installation id) to act as a GitHub App instead of with a token. */
        Optional<Long> appId();

        /** The App's installation id for the pools' repositories or organisation. */
        Optional<Long> appInstallationId();

        /**
         * Accept {@code workflow_job} webhooks. Off: the scaler works from the runners' hook calls
         * alone (every pool then needs min >= 1, since queued jobs are invisible).
         */
        @WithDefault("true")
        boolean webhooksEnabled();

        /** The webhook secret; required in production mode while webhooks are enabled. */
        Optional<String> webhookSecret();

        /** Largest webhook body accepted; larger ones get 413. */
        @WithDefault("1M")
        MemorySize webhookMaxBody();

        /** How many delivery ids are remembered to drop redeliveries. */
        @WithDefault("100000")
        int deliveryCacheSize();

        /** How long a delivery id is remembered. */
        @WithDefault("24h")
        Duration deliveryCacheTtl();

        /**
         * Id of the webhook that delivers {@code workflow_job}; when set, its failed deliveries are
         * listed and redelivered. Needs the webhooks permission of the repository or organisation.
         */
        Optional<Long> hookId();

        /** Where that webhook is configured: {@code owner/name} or an organisation. */
        Optional<String> hookScope();

        /**
         * The webhook that delivers {@code workflow_job} is the GitHub App's own (the App's settings,
         * "Webhook"): its failed deliveries are listed and redelivered with the App's JWT
         * ({@code /app/hook/deliveries}). Needs {@code app-id}; instead of {@code hook-id}.
         */
        @WithDefault("false")
        boolean appHook();

        Redelivery redelivery();

        interface Redelivery {
            /** How often failed deliveries are looked for. */
            @WithDefault("60s")
            Duration interval();

            /** Redelivery requests an hour at most (each one GitHub API call). */
            @WithDefault("300")
            int hourlyBudget();

            /** How far back the first look after start goes (at most 3 days, GitHub's retention). */
            @WithDefault("1h")
            Duration lookBack();
        }
    }

    interface Runners {
        /**
         * {@code jit}: hand each VM a one-time JIT runner configuration. {@code registration-token}:
         * hand out a registration token, URL and labels (the original design's mode).
         */
        @WithDefault("jit")
        String configMode();

        /**
         * {@code required}: a VM gets its runner configuration only with an attested document from
         * the instance metadata service that names the instance's VM, signed by Azure, holding a
         * nonce this scaler issued. {@code off}: network-only, any caller from the allowed networks
         * that names a provisioning instance gets its configuration (a warning at start).
         */
        @WithDefault("required")
        String attestation();

        /**
         * PEM file of the root certificates an attested document's signer must chain to. Default:
         * the roots Microsoft names for the metadata service, from the JDK's own trust store.
         */
        Optional<String> attestationTrustAnchors();

        /**
         * PEM file of intermediate certificates for the chain; an intermediate not found here is
         * fetched once from the signer certificate's Authority Information Access address.
         */
        Optional<String> attestationIntermediates();

        /** How long a nonce issued for a VM's attested document may wait to be used. */
        @WithDefault("2m")
        Duration nonceTtl();

        /**
         * Nonces one source address may ask for a minute (after a burst of up to 10): a booting VM
         * asks once per try; more is a flood from a job, answered 429. Default 30; 6000 in
         * simulator mode, where every simulated VM calls from the loopback address.
         */
        OptionalInt noncesPerMinute();

        /** Source networks (CIDR) allowed to call the runner endpoints. */
        @WithDefault("127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16")
        List<String> allowedNetworks();

        /**
         * Key for the hook tokens handed to runner VMs (at least 32 characters). Without one, a
         * random key is made at start, and a restart invalidates the tokens of running VMs.
         */
        Optional<String> hookTokenKey();

        /** How long a hook token stays valid: the longest a job may run (GitHub allows 5 days). */
        @WithDefault("5d")
        Duration hookTokenMaxAge();
    }

    enum Cloud {
        SIMULATED,
        AZURE
    }

    interface Reconcile {
        /**
         * How often each pool is reconciled: its scale set listed (one high-cost GET; Azure allows 10
         * a minute per set), the busy store read, and GitHub's runners listed (one call per 100 runners).
         */
        @WithDefault("60s")
        Duration interval();

        /** A job queued this long without news is looked up at GitHub, in case its deliveries were missed. */
        @WithDefault("10m")
        Duration jobCheckAge();

        /** At most this many job look-ups an hour, so that a flood of stuck jobs cannot eat GitHub's rate limit. */
        @WithDefault("300")
        int jobChecksPerHour();
    }

    interface SimConfig {
        /**
         * Allocation time of a capacity change, before its new VMs boot (provisioning-delay); they
         * are listed Creating from the change until both have passed, when the change completes.
         */
        @WithDefault("2s")
        Duration capacityDelay();

        /**
         * Boot time of a new VM, after the capacity delay: then it is Succeeded, its capacity change
         * completes, and its cloud-init asks for its runner configuration.
         */
        @WithDefault("20s")
        Duration provisioningDelay();

        /** From a re-image request to the VM booting again. */
        @WithDefault("15s")
        Duration reimageDelay();

        /** From a delete request to the instance being gone. */
        @WithDefault("5s")
        Duration deleteDelay();

        /** From configuration to the runner being online at GitHub. */
        @WithDefault("2s")
        Duration runnerStartDelay();

        /** Probability (0..1) that a new or re-imaged instance fails to provision. */
        @WithDefault("0")
        double provisioningFailureRate();

        /** Seed for every random choice the simulator makes, so runs can be repeated. */
        @WithDefault("42")
        long seed();

        /**
         * Spot evictions per instance-hour of running VMs of the Spot scale sets (a Poisson rate;
         * 0: none). Each is announced to the scaler by the VM's watcher at once and carried out after
         * {@code eviction-notice}: Azure deletes the VM and the scale set's capacity drops by one.
         */
        @WithDefault("0")
        double evictionRate();

        /** When, after start-up, a storm evicts {@code eviction-storm-fraction} of each Spot scale set's running VMs at once; unset: none. */
        Optional<Duration> evictionStormAt();

        /** The share (0..1) of each Spot scale set's running VMs that the storm evicts. */
        @WithDefault("0.5")
        double evictionStormFraction();

        /** From an eviction's scheduled event to Azure deleting the VM (Azure gives at least 30 s). */
        @WithDefault("30s")
        Duration evictionNotice();

        /** VMs of any scale set that die without notice (leave the listing at once), per instance-hour; 0: none. */
        @WithDefault("0")
        double killRate();

        /**
         * From a runner's death to GitHub failing its job (conclusion failure): the runner renews
         * its job's lock every minute for ten minutes ahead, so GitHub gives up about ten minutes
         * after the runner died.
         */
        @WithDefault("10m")
        Duration lostRunnerTimeout();

        /** The simulated scale sets that are Spot, by name; unset: every scale set whose name contains "spot". */
        Optional<List<String>> spotScaleSets();

        /** The demo workload. */
        Workload workload();

        interface Workload {
            /** Generate jobs continuously. */
            @WithDefault("false")
            boolean enabled();

            /** Mean arrival rate of the Poisson process. */
            @WithDefault("6")
            double jobsPerMinute();

            /** Every {@code burst-interval}, this many jobs arrive at once on top of the Poisson arrivals (0: none). */
            @WithDefault("0")
            int burstSize();

            /** Time between bursts; the first comes right after start-up. */
            @WithDefault("90s")
            Duration burstInterval();

            /** Shortest job. */
            @WithDefault("10s")
            Duration minDuration();

            /** Longest job. */
            @WithDefault("40s")
            Duration maxDuration();

            /**
             * Label sets and their weights, e.g. {@code scaler.sim.workload.label-mix."linux,x64"=3}.
             * Empty: every pool's labels, equally often.
             */
            @WithName("label-mix")
            Map<String, Integer> labelMix();
        }
    }
}
