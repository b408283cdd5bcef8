package io.vmssrunnerscaler.fakes.arm;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** A credential for tests: always the same token, valid for an hour; remembers the scopes asked for. */
public final class StaticTokenCredential implements TokenCredential {
    private final String token;
    private final List<String> scopes = new CopyOnWriteArrayList<>();

    public StaticTokenCredential(String token) {
        this.token = token;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        scopes.addAll(request.getScopes());
        return Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
    }

    /** Every scope requested so far. */
    public List<String> scopes() {
        return List.copyOf(scopes);
    }
}
