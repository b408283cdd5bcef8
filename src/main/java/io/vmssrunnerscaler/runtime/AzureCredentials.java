package io.vmssrunnerscaler.runtime;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.quarkus.arc.DefaultBean;
import io.vertx.core.Vertx;
import io.vmssrunnerscaler.config.ScalerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The scaler's Azure credential: the VM's managed identity, or the default credential chain
 * elsewhere. Built on first use, not at start-up (building it costs start-up time), on the
 * application's Vert.x like every other Azure client. A singleton, not application-scoped: a
 * client proxy of {@code TokenCredential} would be generated into azure-core's signed package,
 * which the JVM refuses in the AOT-cache packaging. Tests replace the bean.
 */
@ApplicationScoped
public class AzureCredentials {

    @Produces
    @DefaultBean
    @Singleton
    TokenCredential credential(ScalerConfig config, Vertx vertx) {
        AtomicReference<TokenCredential> built = new AtomicReference<>();
        return new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return built.updateAndGet(c -> c != null ? c : build(config, vertx)).getToken(request);
            }
        };
    }

    private static TokenCredential build(ScalerConfig config, Vertx vertx) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder()
                .httpClient(new VertxHttpClientBuilder().vertx(vertx).build());
        config.azure().clientId().ifPresent(builder::managedIdentityClientId);
        return builder.build();
    }
}
