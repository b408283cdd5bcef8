package io.vmssrunnerscaler.runtime;

import com.azure.core.credential.TokenCredential;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.busy.queue.QueueAccess;
import io.vmssrunnerscaler.busy.queue.QueueBusyStore;
import io.vmssrunnerscaler.busy.queue.QueueStoreSettings;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.github.rest.GitHubAuth;
import io.vmssrunnerscaler.github.rest.GitHubSettings;
import io.vmssrunnerscaler.github.rest.RestGitHub;
import io.vmssrunnerscaler.pool.Pool;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSet;
import io.vmssrunnerscaler.scaleset.azure.AzureScaleSetSettings;
import io.vmssrunnerscaler.scaleset.azure.ThrottleBudget;
import io.vmssrunnerscaler.secrets.SecretStore;
import io.vmssrunnerscaler.secrets.keyvault.ChallengeResourceCheck;
import io.vmssrunnerscaler.secrets.keyvault.KeyVaultSecretStore;
import io.vmssrunnerscaler.secrets.keyvault.KeyVaultSettings;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The real ports for {@code scaler.cloud=azure}: the scale sets through Azure Resource Manager,
 * the busy runners in a storage queue, secrets in Key Vault, GitHub's REST API. No client is built
 * on the start-up thread: each on first use, except the Compute clients, whose build starts here
 * on a worker thread (the first listing, which readiness waits for, needs them).
 */
record AzurePorts(AzureScaleSet scaleSet, ThrottleBudget throttle, QueueBusyStore busyStore, RestGitHub gitHub,
        SecretStore secrets) {

    static AzurePorts create(ScalerConfig config, List<Pool> pools, TokenCredential credential, Vertx vertx) {
        ScalerConfig.Azure azure = config.azure();
        String vaultUrl = azure.keyVault().url().orElseThrow();
        SecretStore secrets = new KeyVaultSecretStore(vaultUrl, credential, vertx,
                KeyVaultSettings.defaults().withCacheTtl(azure.keyVault().cacheTtl()), challengeCheck(vaultUrl));
        ThrottleBudget throttle = ThrottleBudget.azure(Clock.systemUTC(), azure.throttlePeriod());
        AzureScaleSetSettings defaults = AzureScaleSetSettings.defaults();
        AzureScaleSet scaleSet = new AzureScaleSet(defaults
                .withArmEndpoint(URI.create(azure.resourceManagerEndpoint()))
                .withPollInterval(azure.pollInterval())
                .withDeadlines(azure.requestTimeout(), defaults.listDeadline(), defaults.operationDeadline()),
                credential, vertx, throttle);
        // Readiness waits for the first listing of every scale set, which the pools start only once
        // the busy store was read back; building the Compute client (the SDK's classes, ~0.5 s of
        // CPU) meanwhile, on a worker thread, takes it off that path.
        pools.stream().map(p -> p.scaleSet().subscription()).distinct().forEach(scaleSet::prepare);
        QueueStoreSettings queueSettings = QueueStoreSettings.defaults(azure.queue().name());
        QueueAccess access = azure.queue().connectionString()
                .map(QueueAccess::connectionString)
                .orElseGet(() -> QueueAccess.credential(azure.queue().serviceUrl().orElseThrow(), credential));
        QueueBusyStore busyStore = new QueueBusyStore(access, queueSettings, vertx);
        RestGitHub gitHub = RestGitHub.create(GitHubSettings.defaults().withBaseUri(URI.create(config.github().apiUrl())),
                gitHubAuth(config, secrets));
        return new AzurePorts(scaleSet, throttle, busyStore, gitHub, secrets);
    }

    /**
     * Key Vault's challenge names {@code vault.azure.net}, which a vault on this machine (a local
     * fake) can never be under; the store refuses to skip the check for any other host.
     */
    private static ChallengeResourceCheck challengeCheck(String vaultUrl) {
        String host = URI.create(vaultUrl).getHost();
        return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host)
                ? ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST : ChallengeResourceCheck.VERIFY;
    }

    /** A GitHub App when its ids are set, else a personal access token; both read from Key Vault. */
    private static GitHubAuth gitHubAuth(ScalerConfig config, SecretStore secrets) {
        ScalerConfig.Azure.KeyVault vault = config.azure().keyVault();
        if (config.github().appId().isPresent()) {
            String key = vault.githubAppKeySecret();
            return new GitHubAuth.App(Long.toString(config.github().appId().get()),
                    config.github().appInstallationId().orElseThrow(), secret(secrets, key), () -> secrets.invalidate(key));
        }
        String token = vault.githubTokenSecret();
        return new GitHubAuth.PersonalAccessToken(secret(secrets, token), () -> secrets.invalidate(token));
    }

    private static Supplier<Uni<String>> secret(SecretStore secrets, String name) {
        return () -> secrets.get(name);
    }
}
