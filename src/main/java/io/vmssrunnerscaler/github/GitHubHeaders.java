package io.vmssrunnerscaler.github;

/** Header names GitHub sends with webhook deliveries. */
public final class GitHubHeaders {
    public static final String EVENT = "X-GitHub-Event";
    public static final String DELIVERY = "X-GitHub-Delivery";
    public static final String SIGNATURE_256 = "X-Hub-Signature-256";

    private GitHubHeaders() {}
}
