package io.vmssrunnerscaler.engine;

/** What happens to an instance once its ephemeral runner's job is really over. */
public enum AfterJob {
    /** Re-image the instance while the pool still needs it, otherwise delete it (the seed's rule). */
    REIMAGE_OR_DELETE,
    /** Always delete; new demand is met by raising capacity. Trades speed for a fresh VM every time. */
    DELETE
}
