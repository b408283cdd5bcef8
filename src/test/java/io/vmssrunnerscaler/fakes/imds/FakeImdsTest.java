package io.vmssrunnerscaler.fakes.imds;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import io.vmssrunnerscaler.identity.AttestedInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake IMDS answers as the published description and Microsoft's docs say IMDS does. Every exchange
 * runs through its spec check (IMDS 2020-09-01): each test ends by asserting exactly the violations its
 * requests should cause ({@link #offSpec}), none for a request a client may send, whatever the answer.
 */
class FakeImdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "/metadata/attested/document";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeImds imds;
    /** The violations this test's requests cause on purpose, each named by a part of its message. */
    private final List<String> offSpec = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        imds = FakeImds.start(TestAttestation.trustedSigner());
        imds.serve("runner-a", "11111111-1111-1111-1111-111111111111", "sub-a");
        imds.serve("runner-b", "22222222-2222-2222-2222-222222222222", "sub-b");
    }

    @AfterEach
    void stop() {
        imds.close();
        List<String> violations = imds.specCheck().violations();
        assertEquals(offSpec.size(), violations.size(), violations::toString);
        for (int i = 0; i < offSpec.size(); i++) {
            assertThat(violations.get(i), containsString(offSpec.get(i)));
        }
    }

    /** The requests that follow break IMDS's document on purpose: their violations are kept, not written for the build. */
    private void expectOffSpec(String... violations) {
        imds.specCheck().offSpecOnPurpose();
        offSpec.addAll(List.of(violations));
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
        // The 400s conform (default: ErrorResponse); the requests do not: Metadata is a required header of enum "true".
        // X-Forwarded-For is no parameter of the document, and a header it does not declare is no violation.
        expectOffSpec("required header Metadata missing", "header Metadata: ");
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
        assertEquals("Bad request. X-Forwarded-For header is not allowed", error(forwarded));
        assertEquals(0, imds.documentsMade());
    }

    @Test
    void aMissingOrUnknownApiVersionIs400WithTheNewestVersions() throws Exception {
        // api-version is required; its enum ("2018-10-01" only) is x-ms-enum modelAsString, open, so 2099-01-01 is
        // IMDS's to refuse, not the document's. Both 400s are ErrorResponse with an extra newest-versions.
        expectOffSpec("required query parameter api-version missing");
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
        // The document says "up to 32 random alphanumeric characters" in prose only (type string, no pattern or
        // maxLength), so these requests conform and IMDS's 400s are ErrorResponse.
        assertEquals(200, get("runner-a", "?api-version=2020-09-01&nonce=" + "a1".repeat(16), true).statusCode());
        assertEquals(400, get("runner-a", "?api-version=2020-09-01&nonce=" + "a".repeat(33), true).statusCode());
        assertEquals(400, get("runner-a", "?api-version=2020-09-01&nonce=abc-123", true).statusCode());
        HttpResponse<String> empty = get("runner-a", "?api-version=2020-09-01&nonce=", true);
        assertEquals(400, empty.statusCode());
        assertEquals("Bad request. The nonce must be up to 32 alphanumeric characters", error(empty));
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
        // runner-z's 404 is the fake's routing (it serves no such VM) and is not checked; the kept document has
        // neither GET /metadata/instance nor POST on the attested document, so those two requests are named.
        expectOffSpec("no operation GET /metadata/instance", "no operation POST /metadata/attested/document");
        assertEquals(404, get("runner-z", "?api-version=2020-09-01&nonce=abc", true).statusCode());
        HttpResponse<String> instance = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-a")
                + "/metadata/instance?api-version=2020-09-01")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, instance.statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-a") + DOCUMENT
                + "?api-version=2020-09-01")).header("Metadata", "true").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("Method not allowed", error(post));
    }

    @Test
    void anAnswerOutsideTheDocumentWouldBeNamed() throws Exception {
        // What the fake's check would say had it answered these for a conforming request: an ARM-style error
        // object (ErrorResponse's error is a string), a text error, a 200 document whose signature is no string.
        Map<String, List<String>> query = Map.of("api-version", List.of("2020-09-01"), "nonce", List.of("abc"));
        Map<String, List<String>> metadata = Map.of("Metadata", List.of("true"));
        assertOne(Specs.imds().violations(new Exchange("GET", DOCUMENT, query, metadata, null, 400, Map.of(),
                JSON.readTree("{\"error\":{\"code\":\"BadRequest\",\"message\":\"Required metadata header\"}}"))), "error");
        assertOne(Specs.imds().violations(new Exchange("GET", DOCUMENT, query, metadata, null, 400, Map.of(),
                SpecCheck.json("Bad request".getBytes(java.nio.charset.StandardCharsets.UTF_8)))), "object");
        assertOne(Specs.imds().violations(new Exchange("GET", DOCUMENT, query, metadata, null, 200, Map.of(),
                JSON.readTree("{\"encoding\":\"pkcs7\",\"signature\":42}"))), "signature");
        // and the same exchanges as the fake answers them conform
        assertEquals(List.of(), Specs.imds().violations(new Exchange("GET", DOCUMENT, query, metadata, null, 400, Map.of(),
                JSON.readTree("{\"error\":\"Bad request. Required metadata header not specified\"}"))));
        assertEquals(List.of(), Specs.imds().violations(new Exchange("GET", DOCUMENT, query, metadata, null, 200, Map.of(),
                JSON.readTree(imds.documentFor("runner-a", "abc")))));
    }

    @Test
    void theDocumentWithoutHttpIsTheSameKind() throws Exception {
        AttestedInstance instance = verify(imds.documentFor("runner-b", "direct"));
        assertEquals("22222222-2222-2222-2222-222222222222", instance.vmId());
        assertEquals("direct", instance.nonce());
    }

    @Test
    void scheduledEventsAreListedApprovedAndCountedAsTheDocsShow() throws Exception {
        Instant notBefore = Instant.parse("2030-04-01T22:26:58Z");
        assertEquals(1, JSON.readTree(events("runner-a", "GET", null, true).body()).get("DocumentIncarnation").asInt());
        String id = imds.scheduleEvent("runner-a", "Preempt", List.of("runner-a"), notBefore);
        HttpResponse<String> listed = events("runner-a", "GET", null, true);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode doc = JSON.readTree(listed.body());
        assertEquals(2, doc.get("DocumentIncarnation").asInt());
        JsonNode event = doc.get("Events").get(0);
        assertEquals(List.of("EventId", "EventStatus", "EventType", "ResourceType", "Resources", "NotBefore", "Description",
                "EventSource", "DurationInSeconds"), iterable(event.fieldNames()));
        assertEquals(id, event.get("EventId").asText());
        assertEquals("Scheduled", event.get("EventStatus").asText());
        assertEquals("Preempt", event.get("EventType").asText());
        assertEquals("VirtualMachine", event.get("ResourceType").asText());
        assertEquals("[\"runner-a\"]", event.get("Resources").toString());
        assertEquals("Mon, 01 Apr 2030 22:26:58 GMT", event.get("NotBefore").asText());
        // another VM's IMDS lists its own document
        assertEquals(0, JSON.readTree(events("runner-b", "GET", null, true).body()).get("Events").size());

        String approval = "{\"StartRequests\":[{\"EventId\":\"" + id + "\"}]}";
        HttpResponse<String> approved = events("runner-a", "POST", approval, true);
        assertEquals(200, approved.statusCode(), approved.body());
        event = JSON.readTree(events("runner-a", "GET", null, true).body()).get("Events").get(0);
        assertEquals("Started", event.get("EventStatus").asText());
        assertEquals("", event.get("NotBefore").asText());
        assertEquals(3, imds.documentIncarnation("runner-a"));
        // approving again is still 200 ("even if another VM already approved the event") and changes nothing
        assertEquals(200, events("runner-a", "POST", approval, true).statusCode());
        assertEquals(3, imds.documentIncarnation("runner-a"));
        assertEquals(List.of(id, id), imds.startRequests("runner-a"));

        imds.endEvent("runner-a", id);
        assertEquals(0, JSON.readTree(events("runner-a", "GET", null, true).body()).get("Events").size());
        assertEquals(4, imds.documentIncarnation("runner-a"));
    }

    @Test
    void scheduledEventsRefuseWhatIMDSRefuses() throws Exception {
        // no published description covers these paths: nothing is held to one, so no violation is expected
        String id = imds.scheduleEvent("runner-a", "Terminate", List.of("runner-a"), Instant.now().plusSeconds(300));
        HttpResponse<String> bare = events("runner-a", "GET", null, false);
        assertEquals(400, bare.statusCode());
        assertEquals("Bad request. Required metadata header not specified", error(bare));
        HttpResponse<String> unapproved = events("runner-a", "POST", "{\"StartRequests\":[{\"EventId\":\"" + id + "\"}]}", false);
        assertEquals(400, unapproved.statusCode());
        assertEquals("Scheduled", imds.eventStatus("runner-a", id));
        HttpResponse<String> oldVersion = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-a")
                + "/metadata/scheduledevents?api-version=2020-09-01")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, oldVersion.statusCode());
        assertThat(error(oldVersion), startsWith("Bad request. api-version is invalid."));
        assertEquals(400, events("runner-a", "POST", "{\"StartRequests\":[{\"EventId\":\"no-such-event\"}]}", true).statusCode());
        assertEquals(400, events("runner-a", "POST", "not json", true).statusCode());
        assertEquals(List.of(), imds.startRequests("runner-a"));
    }

    @Test
    void theVmsNameIsTheNameItIsServedUnder() throws Exception {
        HttpResponse<String> name = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-b")
                + "/metadata/instance/compute/name?api-version=2021-02-01&format=text")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, name.statusCode(), name.body());
        assertEquals("runner-b", name.body());
        assertThat(name.headers().firstValue("Content-Type").orElse(""), startsWith("text/plain"));
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create(imds.baseUriFor("runner-b")
                + "/metadata/instance/compute/name?api-version=2021-02-01&format=text")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bare.statusCode());
    }

    private HttpResponse<String> events(String vm, String method, String body, boolean metadataHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(imds.baseUriFor(vm)
                + "/metadata/scheduledevents?api-version=2020-07-01")).timeout(Duration.ofSeconds(10));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (metadataHeader) {
            request.header("Metadata", "true");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    private static void assertOne(List<String> violations, String what) {
        assertEquals(1, violations.size(), violations::toString);
        assertThat(violations.get(0), containsString(what));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> out = new java.util.ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }
}
