package io.vmssrunnerscaler.github.rest;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * GitHub's REST endpoints for runners, jobs and runs (and a webhook's deliveries), as a Quarkus REST client. Every method answers the raw
 * {@link Response} (the default exception mapper is off) because the status and the rate-limit,
 * paging and request-id headers decide what happens next; {@link GitHubCaller} reads them.
 * {@code auth} is the whole {@code Authorization} header value.
 */
@Path("")
@ClientHeaderParam(name = "Accept", value = "application/vnd.github+json")
@ClientHeaderParam(name = "X-GitHub-Api-Version", value = "2022-11-28")
public interface GitHubApi {

    /** A client for {@code settings.baseUri()}; close it with {@link #close(GitHubApi)}. */
    static GitHubApi create(GitHubSettings settings) {
        long timeoutMillis = settings.requestTimeout().toMillis();
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(settings.baseUri())
                .userAgent(settings.userAgent())
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .disableDefaultMapper(true)
                .build(GitHubApi.class);
    }

    static void close(GitHubApi api) {
        if (api instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing releases connections; nothing to do about a failure
            }
        }
    }

    @POST
    @Path("/repos/{owner}/{repo}/actions/runners/generate-jitconfig")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> repoJitConfig(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, JitConfigRequest body);

    @POST
    @Path("/orgs/{org}/actions/runners/generate-jitconfig")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> orgJitConfig(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            JitConfigRequest body);

    @POST
    @Path("/repos/{owner}/{repo}/actions/runners/registration-token")
    Uni<Response> repoRegistrationToken(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo);

    @POST
    @Path("/orgs/{org}/actions/runners/registration-token")
    Uni<Response> orgRegistrationToken(@HeaderParam("Authorization") String auth, @PathParam("org") String org);

    /** {@code name} filters by exact runner name; null lists all. */
    @GET
    @Path("/repos/{owner}/{repo}/actions/runners")
    Uni<Response> repoRunners(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @QueryParam("name") String name, @QueryParam("per_page") int perPage,
            @QueryParam("page") int page);

    @GET
    @Path("/orgs/{org}/actions/runners")
    Uni<Response> orgRunners(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            @QueryParam("name") String name, @QueryParam("per_page") int perPage, @QueryParam("page") int page);

    @DELETE
    @Path("/repos/{owner}/{repo}/actions/runners/{id}")
    Uni<Response> repoDeleteRunner(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("id") long runnerId);

    @DELETE
    @Path("/orgs/{org}/actions/runners/{id}")
    Uni<Response> orgDeleteRunner(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            @PathParam("id") long runnerId);

    @GET
    @Path("/orgs/{org}/actions/runner-groups")
    Uni<Response> orgRunnerGroups(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page);

    @GET
    @Path("/repos/{owner}/{repo}/actions/jobs/{id}")
    Uni<Response> job(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("id") long jobId);

    @GET
    @Path("/repos/{owner}/{repo}/actions/runs/{id}")
    Uni<Response> run(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("id") long runId);

    /** Without a body: {@code enable_debug_logging} and {@code enable_debugger} keep their default, false. */
    @POST
    @Path("/repos/{owner}/{repo}/actions/jobs/{id}/rerun")
    Uni<Response> rerunJob(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("id") long jobId);

    /** Without a body: {@code enable_debug_logging} keeps its default, false. */
    @POST
    @Path("/repos/{owner}/{repo}/actions/runs/{id}/rerun-failed-jobs")
    Uni<Response> rerunFailedJobs(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("id") long runId);

    /** {@code cursor} null: the newest page. */
    @GET
    @Path("/repos/{owner}/{repo}/hooks/{hook}/deliveries")
    Uni<Response> repoHookDeliveries(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("hook") long hookId, @QueryParam("per_page") int perPage,
            @QueryParam("cursor") String cursor);

    @GET
    @Path("/orgs/{org}/hooks/{hook}/deliveries")
    Uni<Response> orgHookDeliveries(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            @PathParam("hook") long hookId, @QueryParam("per_page") int perPage, @QueryParam("cursor") String cursor);

    @POST
    @Path("/repos/{owner}/{repo}/hooks/{hook}/deliveries/{id}/attempts")
    Uni<Response> repoRedeliver(@HeaderParam("Authorization") String auth, @PathParam("owner") String owner,
            @PathParam("repo") String repo, @PathParam("hook") long hookId, @PathParam("id") long deliveryId);

    @POST
    @Path("/orgs/{org}/hooks/{hook}/deliveries/{id}/attempts")
    Uni<Response> orgRedeliver(@HeaderParam("Authorization") String auth, @PathParam("org") String org,
            @PathParam("hook") long hookId, @PathParam("id") long deliveryId);

    /** The GitHub App's own webhook; {@code auth} carries the App's JWT. {@code cursor} null: the newest page. */
    @GET
    @Path("/app/hook/deliveries")
    Uni<Response> appHookDeliveries(@HeaderParam("Authorization") String auth, @QueryParam("per_page") int perPage,
            @QueryParam("cursor") String cursor);

    /** {@code auth} carries the App's JWT. */
    @POST
    @Path("/app/hook/deliveries/{id}/attempts")
    Uni<Response> appRedeliver(@HeaderParam("Authorization") String auth, @PathParam("id") long deliveryId);

    /** {@code auth} carries the GitHub App's JWT here. */
    @POST
    @Path("/app/installations/{id}/access_tokens")
    Uni<Response> installationToken(@HeaderParam("Authorization") String auth, @PathParam("id") long installationId);
}
