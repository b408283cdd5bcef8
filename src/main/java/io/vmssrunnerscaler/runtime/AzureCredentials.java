package io.vmssrunnerscaler.runtime;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.quarkus.arc.DefaultBean;
import io.vmssrunnerscaler.pool.ScalerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The scaler's Azure credential: the VM's managed identity, or the default credential chain
 * elsewhere. Built on first use, not at start-up (building it costs start-up time). Tests
 * replace the bean.
 */
@ApplicationScoped
public class AzureCredentials {

    @Produces
    @DefaultBean
    @ApplicationScoped
    TokenCredential credential(ScalerConfig config) {
        AtomicReference<TokenCredential> built = new AtomicReference<>();
        return new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return built.updateAndGet(c -> c != null ? c : build(config)).getToken(request);
            }
        };
    }

    private static TokenCredential build(ScalerConfig config) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        config.azure().clientId().ifPresent(builder::managedIdentityClientId);
        return builder.build();
    }
}
