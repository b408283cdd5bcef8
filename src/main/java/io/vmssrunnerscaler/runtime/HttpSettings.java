package io.vmssrunnerscaler.runtime;

import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.github.GitHubSite;
import io.vmssrunnerscaler.intake.SourceNetworks;
import io.vmssrunnerscaler.intake.WebhookSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The HTTP endpoints' settings, read from the configuration once. */
@ApplicationScoped
class HttpSettings {

    @Produces
    @Singleton
    WebhookSettings webhookSettings(ScalerConfig config) {
        ScalerConfig.GitHub g = config.github();
        return new WebhookSettings(g.webhooksEnabled(), g.webhookMaxBody().asLongValue(), g.deliveryCacheSize(),
                g.deliveryCacheTtl());
    }

    /** Where runners register in registration-token mode: the web side of {@code scaler.github.api-url}. */
    @Produces
    @Singleton
    GitHubSite gitHubSite(ScalerConfig config) {
        return GitHubSite.ofApiUrl(config.github().apiUrl());
    }

    /** Where runner VMs may call from ({@code scaler.runners.allowed-networks}). */
    @Produces
    @Singleton
    SourceNetworks runnerNetworks(ScalerConfig config) {
        return SourceNetworks.parse(config.runners().allowedNetworks());
    }
}
