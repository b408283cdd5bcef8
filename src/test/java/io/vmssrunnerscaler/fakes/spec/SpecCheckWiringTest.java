package io.vmssrunnerscaler.fakes.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmssrunnerscaler.fakes.arm.FakeArm;
import io.vmssrunnerscaler.fakes.arm.FakeArmOptions;
import io.vmssrunnerscaler.fakes.github.FakeGitHub;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.fakes.keyvault.FakeKeyVault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each fake holds its exchanges to its API's description: a request no client may send is named,
 * and so is the fake's own answer when it leaves the documented statuses.
 */
class SpecCheckWiringTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private int send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("User-Agent", "spec-check-test").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theFakeGitHubNamesARouteGitHubDoesNotHave() throws Exception {
        try (FakeGitHub gitHub = FakeGitHub.start().acceptToken("ghp_wiring")) {
            gitHub.specCheck().offSpecOnPurpose();
            send(HttpRequest.newBuilder(URI.create(gitHub.baseUri() + "/repos/octo/app/actions/runners?per_page=5"))
                    .header("Authorization", "Bearer ghp_wiring"));
            assertEquals(List.of(), gitHub.specCheck().violations(), "a listing as documented");
            send(HttpRequest.newBuilder(URI.create(gitHub.baseUri() + "/repos/octo/app/actions/robots"))
                    .header("Authorization", "Bearer ghp_wiring"));
            assertOne(gitHub.specCheck().violations(), "no operation GET /repos/octo/app/actions/robots");
        }
    }

    @Test
    void theFakeArmNamesABodyComputeDoesNotAllow() throws Exception {
        try (FakeArm arm = FakeArm.start(FakeArmOptions.defaults())) {
            arm.specCheck().offSpecOnPurpose();
            arm.addScaleSet("sub", "rg", "vmss", "vm", 1);
            URI set = URI.create(arm.baseUri() + "subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/"
                    + "virtualMachineScaleSets/vmss?api-version=" + FakeArm.API_VERSION);
            int status = send(HttpRequest.newBuilder(set).header("Authorization", "Bearer " + FakeArmOptions.TOKEN)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"sku\":{\"capacity\":\"many\"}}")));
            assertEquals(400, status);
            assertOne(arm.specCheck().violations(), "capacity");
        }
    }

    @Test
    void theFakeKeyVaultNamesAnOperationTheSecretsApiDoesNotHave() throws Exception {
        try (FakeKeyVault vault = FakeKeyVault.start()) {
            vault.specCheck().offSpecOnPurpose();
            send(HttpRequest.newBuilder(URI.create(vault.vaultUrl() + "/secrets/github-token/?api-version=2025-07-01")));
            assertEquals(List.of(), vault.specCheck().violations(), "the bearer challenge, as documented");
            send(HttpRequest.newBuilder(URI.create(vault.vaultUrl() + "/keys/github-token?api-version=2025-07-01")));
            assertOne(vault.specCheck().violations(), "no operation GET /keys/github-token");
        }
    }

    @Test
    void theFakeImdsNamesARequestWithoutTheMetadataHeader() throws Exception {
        try (FakeImds imds = FakeImds.start(TestAttestation.trustedSigner())) {
            imds.specCheck().offSpecOnPurpose();
            imds.serve("runner-0", "11111111-1111-1111-1111-111111111111", "sub");
            URI document = URI.create(imds.baseUriFor("runner-0") + "/metadata/attested/document?api-version=2020-09-01&nonce=abc");
            assertEquals(200, send(HttpRequest.newBuilder(document).header("Metadata", "true")));
            assertEquals(List.of(), imds.specCheck().violations(), "a document as documented");
            assertEquals(400, send(HttpRequest.newBuilder(document)));
            assertOne(imds.specCheck().violations(), "required header Metadata missing");
        }
    }

    private static void assertOne(List<String> violations, String what) {
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains(what), violations::toString);
    }
}
