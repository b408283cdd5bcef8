package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.UnservedDemand;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Demand no pool serves: the label sets of queued jobs that no pool's labels cover, with how many
 * jobs asked and when. Kept apart from {@code GET /pools}, whose answer stays one object per pool.
 */
@Path("/status/unserved")
@Produces(MediaType.APPLICATION_JSON)
public class UnservedResource {
    private final PoolDirectory directory;

    UnservedResource(PoolDirectory directory) {
        this.directory = directory;
    }

    public record Unserved(List<UnservedDemand.LabelSet> labelSets) {}

    @GET
    public Unserved unserved() {
        return new Unserved(directory.unservedDemand());
    }
}
