package io.vmssrunnerscaler.fakes.imds;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.identity.AttestedInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake IMDS answers as the published description and Microsoft's docs say IMDS does. */
class FakeImdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "/metadata/attested/document";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeImds imds;

    @BeforeEach
    void start() {
        imds = FakeImds.start(TestAttestation.trustedSigner());
        imds.serve("runner-a", "11111111-1111-1111-1111-111111111111", "sub-a");
        imds.serve("runner-b", "22222222-2222-2222-2222-222222222222", "sub-b");
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    @Test
    void theDocumentIsSignedForTheVmItIsAskedOf() throws Exception {
        HttpResponse<String> a = get("runner-a", "?api-version=2020-09-01&nonce=abc123", true);
        assertEquals(200, a.statusCode(), a.body());
        assertThat(a.headers().firstValue("Content-Type").orElse(""), startsWith("application/json"));
        JsonNode body = JSON.readTree(a.body());
        assertEquals(List.of("encoding", "signature"), List.copyOf(iterable(body.fieldNames())));
        assertEquals("pkcs7", body.get("encoding").asText());
        AttestedInstance instance = verify(a.body());
        assertEquals("11111111-1111-1111-1111-111111111111", instance.vmId());
        assertEquals("sub-a", instance.subscriptionId());
        assertEquals("abc123", instance.nonce());

        AttestedInstance b = verify(get("runner-b", "?api-version=2020-09-01&nonce=xyz", true).body());
        assertEquals("22222222-2222-2222-2222-222222222222", b.vmId());
        assertEquals("sub-b", b.subscriptionId());
    }

    @Test
    void withoutTheMetadataHeaderItIs400() throws Exception {
        HttpResponse<String> response = get("runner-a", "?api-version=2020-09-01&nonce=abc", false);
        assertEquals(400, response.statusCode());
        assertEquals("Bad request. Required metadata header not specified", error(response));
        HttpResponse<String> falseHeader = http.send(HttpRequest.newBuilder(
                URI.create(imds.baseUriFor("runner-a") + DOCUMENT + "?api-version=2020-09-01")).header("Metadata", "false")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, falseHeader.statusCode());
        HttpResponse<String> forwarded = http.send(HttpRequest.newBuilder(
                URI.create(imds.baseUriFor("runner-a") + DOCUMENT + "?api-version=2020-09-01")).header("Metadata", "true")
                .header("X-Forwarded-For", "10.0.0.1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, forwarded.statusCode());
        assertEquals(0, imds.documentsMade());
    }

    @Test
    void aMissingOrUnknownApiVersionIs400WithTheNewestVersions() throws Exception {
        HttpResponse<String> missing = get("runner-a", "?nonce=abc", true);
        assertEquals(400, missing.statusCode());
        assertThat(error(missing), startsWith("Bad request. api-version was not specified in the request."));
        assertTrue(JSON.readTree(missing.body()).get("newest-versions").isArray(), missing.body());
        HttpResponse<String> unknown = get("runner-a", "?api-version=2099-01-01&nonce=abc", true);
        assertEquals(400, unknown.statusCode());
        assertTrue(JSON.readTree(unknown.body()).get("newest-versions").isArray(), unknown.body());
        assertEquals(0, imds.documentsMade());
    }

    @Test
    void theNonceIsUpTo32Alphanumerics() throws Exception {
        assertEquals(200, get("runner-a", "?api-version=2020-09-01&nonce=" + "a1".repeat(16), true).statusCode());
        assertEquals(400, get("runner-a", "?api-version=2020-09-01&nonce=" + "a".repeat(33), true).statusCode());
        assertEquals(400, get("runner-a", "?api-version=2020-09-01&nonce=abc-123", true).statusCode());
        assertEquals(400, get("runner-a", "?api-version=2020-09-01&nonce=", true).statusCode());
        assertEquals(1, imds.documentsMade());
    }

    @Test
    void withoutANonceTheDocumentCarriesTheTime() throws Exception {
        HttpResponse<String> response = get("runner-a", "?api-version=2020-09-01", true);
        assertEquals(200, response.statusCode(), response.body());
        assertThat(verify(response.body()).nonce(), matchesPattern("\\d{8}-\\d{6}"));
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, get("runner-z", "?api-version=2020-09-01&nonce=abc", true).statusCode());
        HttpResponse<String> instance = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-a")
                + "/metadata/instance?api-version=2020-09-01")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, instance.statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-a") + DOCUMENT
                + "?api-version=2020-09-01")).header("Metadata", "true").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void theDocumentWithoutHttpIsTheSameKind() throws Exception {
        AttestedInstance instance = verify(imds.documentFor("runner-b", "direct"));
        assertEquals("22222222-2222-2222-2222-222222222222", instance.vmId());
        assertEquals("direct", instance.nonce());
    }

    private HttpResponse<String> get(String vm, String query, boolean metadataHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(imds.baseUriFor(vm) + DOCUMENT + query))
                .timeout(Duration.ofSeconds(10));
        if (metadataHeader) {
            request.header("Metadata", "true");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("error").asText();
    }

    private static AttestedInstance verify(String body) throws Exception {
        JsonNode json = JSON.readTree(body);
        return TestAttestation.verifier().verify(json.get("encoding").asText(), json.get("signature").asText(),
                Instant.now());
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> out = new java.util.ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }
}
