package io.vmssrunnerscaler.secrets.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.security.keyvault.secrets.SecretAsyncClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.SecretServiceVersion;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.github.benmanes.caffeine.cache.Ticker;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.secrets.SecretStore;
import io.vmssrunnerscaler.secrets.SecretStoreException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Secrets from Azure Key Vault, through the SDK's async client on the application's Vert.x.
 * Values are cached in memory for {@link KeyVaultSettings#cacheTtl()}; reads that fail because
 * the vault throttles or is unavailable are retried with back-off within a deadline.
 */
public final class KeyVaultSecretStore implements SecretStore {
    private static final Logger LOG = Logger.getLogger(KeyVaultSecretStore.class);
    /** Key Vault's rule for secret names; also keeps path tricks out of the request URL. */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");

    private final String vaultUrl;
    private final TokenCredential credential;
    private final Vertx vertx;
    private final KeyVaultSettings settings;
    private final ChallengeResourceCheck challengeCheck;
    private final Backoff backoff;
    private final SecretCache cache;
    private volatile SecretAsyncClient client;

    /** A store for a real vault ({@code https://<name>.vault.azure.net}), checking the challenge resource. */
    public KeyVaultSecretStore(String vaultUrl, TokenCredential credential, Vertx vertx, KeyVaultSettings settings) {
        this(vaultUrl, credential, vertx, settings, ChallengeResourceCheck.VERIFY);
    }

    /** As above; {@link ChallengeResourceCheck#SKIP_FOR_LOCAL_HOST} only for a vault on a loopback address. */
    public KeyVaultSecretStore(String vaultUrl, TokenCredential credential, Vertx vertx, KeyVaultSettings settings,
            ChallengeResourceCheck challengeCheck) {
        this(vaultUrl, credential, vertx, settings, challengeCheck, Ticker.systemTicker());
    }

    KeyVaultSecretStore(String vaultUrl, TokenCredential credential, Vertx vertx, KeyVaultSettings settings,
            ChallengeResourceCheck challengeCheck, Ticker ticker) {
        this.vaultUrl = checkedUrl(vaultUrl, Objects.requireNonNull(challengeCheck, "challengeCheck"));
        this.credential = Objects.requireNonNull(credential, "credential");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.challengeCheck = challengeCheck;
        this.backoff = Backoff.of(settings);
        this.cache = new SecretCache(settings.cacheTtl(), settings.cacheMaxEntries(), ticker);
    }

    @Override
    public Uni<String> get(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "a Key Vault secret name is 1-127 letters, digits and dashes: " + name));
        }
        return cache.get(name, this::read);
    }

    @Override
    public void invalidate(String name) {
        cache.invalidate(name);
    }

    /** One read as the cache sees it: all attempts, bounded by the deadline. */
    private Uni<String> read(String name) {
        Duration deadline = settings.deadline();
        return attempt(name, 1)
                .ifNoItem().after(deadline).failWith(() -> new SecretStoreException.Transient(
                        name, "no value within the deadline of " + deadline, 0, null, null));
    }

    private Uni<String> attempt(String name, int number) {
        return readOnce(name).onFailure(SecretStoreException.class).recoverWithUni(failure -> {
            SecretStoreException e = (SecretStoreException) failure;
            return backoff.next(number, e)
                    .map(wait -> retryLater(name, number, e, wait))
                    .orElseGet(() -> Uni.createFrom().failure(e));
        });
    }

    private Uni<String> retryLater(String name, int failed, SecretStoreException e, Duration wait) {
        LOG.debugf("Key Vault read of '%s' failed (%s, HTTP %d), attempt %d of %d; next in %d ms",
                name, e.getClass().getSimpleName(), e.status(), failed, settings.maxAttempts(), wait.toMillis());
        if (wait.isZero()) {
            return attempt(name, failed + 1);
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(wait).chain(() -> attempt(name, failed + 1));
    }

    private Uni<String> readOnce(String name) {
        // The attempt's clock starts after the client is built: building is local work, bounded by the deadline.
        return client()
                .chain(c -> fromMono(() -> c.getSecret(name))
                        .ifNoItem().after(settings.attemptTimeout()).failWith(TimeoutException::new))
                .onItem().transform(secret -> valueOf(name, secret))
                .onFailure().transform(f -> KeyVaultErrors.translate(name, f, OffsetDateTime::now));
    }

    private static String valueOf(String name, KeyVaultSecret secret) {
        if (secret == null || secret.getValue() == null) {
            throw new SecretStoreException.Unexpected(name, "Key Vault answered without a value", 0, null);
        }
        return secret.getValue();
    }

    private Uni<SecretAsyncClient> client() {
        SecretAsyncClient built = client;
        if (built != null) {
            return Uni.createFrom().item(built);
        }
        // The first Azure client costs ~0.3 s of class loading: not on the caller's thread, which may
        // be an event loop, and not at start-up (docs/PROTOCOLS.md, "Cost of the first Azure client").
        return Uni.createFrom().item(this::buildOnce).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private synchronized SecretAsyncClient buildOnce() {
        if (client == null) {
            client = buildClient();
        }
        return client;
    }

    private SecretAsyncClient buildClient() {
        // Explicit client: with several HTTP libraries on the class path the SDK would pick Netty.
        // Its timeouts are half an attempt's (an attempt may make two calls, challenge and read), so
        // that a slow vault fails the call cleanly inside Vert.x; the attempt's own timeout is the
        // backstop for stalls outside HTTP, such as getting a token.
        Duration httpTimeout = settings.attemptTimeout().dividedBy(2);
        HttpClient http = new VertxHttpClientBuilder()
                .vertx(vertx)
                .connectTimeout(httpTimeout)
                .responseTimeout(httpTimeout)
                .build();
        SecretClientBuilder builder = new SecretClientBuilder()
                .vaultUrl(vaultUrl)
                .credential(credential)
                .httpClient(http)
                // Pinned so the wire format (and the fake in the tests) cannot shift under an SDK update.
                .serviceVersion(SecretServiceVersion.V2025_07_01)
                .retryPolicy(new RetryPolicy(new NoSdkRetry()))
                // Response bodies hold secret values.
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .addPolicy(new ReadBodyFirstPolicy());
        if (challengeCheck == ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST) {
            builder.disableChallengeResourceVerification();
        }
        LOG.debugf("Key Vault client for %s built", vaultUrl);
        return builder.buildAsyncClient();
    }

    /** Subscribes on subscription, and cancels the Reactor side when the Uni is cancelled (e.g. by a timeout). */
    private static <T> Uni<T> fromMono(java.util.function.Supplier<Mono<T>> mono) {
        return Uni.createFrom().emitter(emitter -> {
            Disposable subscription = mono.get().subscribe(emitter::complete, emitter::fail, () -> emitter.complete(null));
            emitter.onTermination(subscription::dispose);
        });
    }

    private static String checkedUrl(String vaultUrl, ChallengeResourceCheck check) {
        URI uri = URI.create(Objects.requireNonNull(vaultUrl, "vaultUrl"));
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the vault URL must be https://<host>: " + vaultUrl);
        }
        if (check == ChallengeResourceCheck.SKIP_FOR_LOCAL_HOST && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(
                    "the challenge resource check may only be skipped for a vault on a local host, not " + uri.getHost());
        }
        return vaultUrl;
    }

    private static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        // Only literal addresses: resolving a name here would be I/O in a constructor.
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "KeyVaultSecretStore[" + vaultUrl + ", " + cache.size() + " cached]";
    }
}
