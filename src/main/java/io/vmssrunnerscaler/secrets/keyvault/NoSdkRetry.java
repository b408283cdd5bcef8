package io.vmssrunnerscaler.secrets.keyvault;

import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import java.time.Duration;

/**
 * Switches the SDK's own retry layer off: {@link KeyVaultSecretStore} retries with its own
 * classification and deadline, and two layers would multiply. Unlike zero retries, an unlimited
 * count that never applies keeps the SDK from logging "retry attempts have been exhausted" for
 * every 401 challenge and 404.
 */
final class NoSdkRetry implements RetryStrategy {

    @Override
    public int getMaxRetries() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Duration calculateRetryDelay(int retryAttempts) {
        return Duration.ZERO;
    }

    @Override
    public boolean shouldRetryCondition(RequestRetryCondition condition) {
        return false;
    }
}
