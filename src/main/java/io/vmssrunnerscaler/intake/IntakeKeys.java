package io.vmssrunnerscaler.intake;

import io.vmssrunnerscaler.github.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The keys the HTTP endpoints check callers with: the webhook secret's signature check and the
 * hook-token key. The wiring sets them at start; in azure mode they arrive later, from Key Vault,
 * and until then webhooks and runner calls are answered 503.
 */
@ApplicationScoped
public class IntakeKeys {
    private volatile HookTokens hookTokens;
    private volatile WebhookSignature webhookSignature;
    private volatile boolean fromVault;
    private volatile boolean signatureRequired;

    /**
     * Forgets the keys (a start in place). {@code fromVault}: they will be read from Key Vault;
     * {@code signatureRequired}: ready only with a webhook secret.
     */
    public void expect(boolean fromVault, boolean signatureRequired) {
        this.hookTokens = null;
        this.webhookSignature = null;
        this.fromVault = fromVault;
        this.signatureRequired = signatureRequired;
    }

    /** The keys are known; a null signature check: no webhook secret. */
    public void use(HookTokens hookTokens, WebhookSignature webhookSignature) {
        this.webhookSignature = webhookSignature;
        this.hookTokens = hookTokens;
    }

    /** Empty until the hook-token key is known. */
    public Optional<HookTokens> hookTokens() {
        return Optional.ofNullable(hookTokens);
    }

    /** Empty while no webhook secret is known (not configured, or not read yet). */
    public Optional<WebhookSignature> webhookSignature() {
        return Optional.ofNullable(webhookSignature);
    }

    /** Whether the keys come from Key Vault (so a missing one is on its way, not unconfigured). */
    public boolean fromVault() {
        return fromVault;
    }

    /** Whether every key the endpoints need is known. */
    public boolean ready() {
        return hookTokens != null && (webhookSignature != null || !signatureRequired);
    }
}
