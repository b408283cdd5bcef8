package io.vmssrunnerscaler.status;

import io.vmssrunnerscaler.shell.PoolDirectory;
import io.vmssrunnerscaler.shell.PoolLoop;
import io.vmssrunnerscaler.shell.SpanningPool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** Read-only status of the pools for operators: each from its loop's latest snapshot. */
@Path("/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolResource {
    private final PoolDirectory directory;

    PoolResource(PoolDirectory directory) {
        this.directory = directory;
    }

    @GET
    public List<PoolView> pools() {
        return directory.pools().stream().map(this::view).toList();
    }

    /** A pool by its name, or one scale set of a pool that spans several by {@code <pool>@<scale set>}. */
    @GET
    @Path("/{name}")
    public PoolView pool(@PathParam("name") String name) {
        return directory.pools().stream().filter(p -> p.name().equals(name)).findFirst().map(this::view)
                .or(() -> directory.loop(name).map(this::view))
                .orElseThrow(() -> new NotFoundException("no pool named " + name));
    }

    private PoolView view(SpanningPool pool) {
        if (pool.members().size() == 1) {
            return view(pool.members().get(0));
        }
        return PoolView.spanning(pool.name(), pool.members().stream().map(this::view).toList());
    }

    private PoolView view(PoolLoop loop) {
        return PoolView.of(loop.pool(), loop.state(), directory.lostJobs(loop.pool().name()),
                directory.waitingJobs(loop.pool().name()), directory.convergence(loop.pool().name()).orElse(null),
                Instant.now());
    }
}
