package io.vmssrunnerscaler.secrets.keyvault;

/**
 * Whether the Key Vault client checks that the resource in the vault's 401 challenge belongs to
 * the vault's domain (it stops a look-alike host from collecting a token for Key Vault).
 */
public enum ChallengeResourceCheck {
    /** The default, and the only choice for a real vault. */
    VERIFY,
    /**
     * For a fake vault on a local host only (tests, benchmarks): a loopback address can never be
     * under {@code vault.azure.net}. The store refuses this setting for any other host.
     */
    SKIP_FOR_LOCAL_HOST
}
