package io.vmssrunnerscaler.intake;

import java.time.Duration;

/** How the webhook endpoint takes deliveries, from the {@code scaler.github.*} settings. */
public record WebhookSettings(boolean enabled, long maxBody, int deliveryCacheSize, Duration deliveryCacheTtl) {}
