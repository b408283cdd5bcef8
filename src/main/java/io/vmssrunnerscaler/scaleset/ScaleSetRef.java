package io.vmssrunnerscaler.scaleset;

/** Which Azure VM Scale Set a pool drives. */
public record ScaleSetRef(String subscription, String resourceGroup, String name) {
    @Override
    public String toString() {
        return subscription + "/" + resourceGroup + "/" + name;
    }
}
