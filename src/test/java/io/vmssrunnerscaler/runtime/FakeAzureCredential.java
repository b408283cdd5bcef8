package io.vmssrunnerscaler.runtime;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.OffsetDateTime;
import reactor.core.publisher.Mono;

/** In tests, the credential hands out the tokens the local fakes accept: Key Vault's for its scope, ARM's otherwise. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeAzureCredential implements TokenCredential {
    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        if (request.getScopes().stream().anyMatch(s -> s.contains("vault")) && AzureWorld.vault != null) {
            return AzureWorld.vault.credential().getToken(request);
        }
        return Mono.just(new AccessToken(FakeArmOptions.TOKEN, OffsetDateTime.now().plusHours(1)));
    }
}
