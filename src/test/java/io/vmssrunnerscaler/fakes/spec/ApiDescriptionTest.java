package io.vmssrunnerscaler.fakes.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker itself: it passes what GitHub's description allows and names what it does not. */
class ApiDescriptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNNERS = "/repos/octo/hello/actions/runners";

    private static ObjectNode runner() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"id": 23, "name": "vmss-0001", "os": "Linux", "status": "online", "busy": false,
                 "labels": [{"id": 1, "name": "self-hosted", "type": "read-only"}]}""");
    }

    private static Exchange listing(JsonNode body, int status, Map<String, List<String>> headers) {
        return new Exchange("GET", RUNNERS, Map.of("per_page", List.of("100")), null, status, headers, body);
    }

    private static JsonNode page(JsonNode runner) {
        ObjectNode page = JSON.createObjectNode().put("total_count", 1);
        page.putArray("runners").add(runner);
        return page;
    }

    @Test
    void aListingAsPublishedConforms() throws Exception {
        assertEquals(List.of(), Specs.gitHub().violations(listing(page(runner()), 200, Map.of())));
    }

    @Test
    void aRunnerWithoutARequiredFieldIsNamed() throws Exception {
        ObjectNode runner = runner();
        runner.remove("busy");
        assertOne(Specs.gitHub().violations(listing(page(runner), 200, Map.of())), "busy");
    }

    @Test
    void aWrongTypeOrEnumIsNamed() throws Exception {
        ObjectNode runner = runner();
        runner.put("id", "23");
        assertOne(Specs.gitHub().violations(listing(page(runner), 200, Map.of())), "id");
        ObjectNode label = runner();
        ((ObjectNode) label.withArray("labels").get(0)).put("type", "writable");
        assertAny(Specs.gitHub().violations(listing(page(label), 200, Map.of())), "type");
    }

    @Test
    void anUndocumentedStatusIsNamed() throws Exception {
        assertOne(Specs.gitHub().violations(listing(page(runner()), 201, Map.of())), "status 201 is not documented");
    }

    @Test
    void generalErrorsNeedAMessage() {
        assertEquals(List.of(), Specs.gitHub().violations(listing(JSON.createObjectNode().put("message", "Bad credentials"), 401, Map.of())));
        assertOne(Specs.gitHub().violations(listing(JSON.createObjectNode(), 403, Map.of())), "message");
        assertOne(Specs.gitHub().violations(listing(JSON.createObjectNode().put("message", "teapot"), 418, Map.of())), "418");
    }

    @Test
    void requestsAreCheckedToo() throws Exception {
        Exchange unknownQuery = new Exchange("GET", RUNNERS, Map.of("limit", List.of("5")), null, 200, Map.of(), page(runner()));
        assertOne(Specs.gitHub().violations(unknownQuery), "limit");
        Exchange badType = new Exchange("GET", RUNNERS, Map.of("per_page", List.of("many")), null, 200, Map.of(), page(runner()));
        assertOne(Specs.gitHub().violations(badType), "per_page");
        Exchange noRoute = new Exchange("GET", "/repos/octo/hello/actions/robots", Map.of(), null, 200, Map.of(), null);
        assertOne(Specs.gitHub().violations(noRoute), "no operation");
        ObjectNode jit = (ObjectNode) JSON.readTree("{\"name\":\"r\",\"runner_group_id\":1,\"work_folder\":\"_work\"}");
        Exchange jitMissing = new Exchange("POST", RUNNERS + "/generate-jitconfig", Map.of(), jit, 422, Map.of(),
                JSON.createObjectNode().put("message", "x"));
        assertAny(Specs.gitHub().violations(jitMissing), "labels");
    }

    @Test
    void aMalformedLinkHeaderIsNamed() throws Exception {
        String good = "<https://api.github.com/repositories/1/actions/runners?page=2>; rel=\"next\", "
                + "<https://api.github.com/repositories/1/actions/runners?page=3>; rel=\"last\"";
        assertEquals(List.of(), Specs.gitHub().violations(listing(page(runner()), 200, Map.of("Link", List.of(good)))));
        assertOne(Specs.gitHub().violations(listing(page(runner()), 200, Map.of("Link", List.of("page=2; next")))), "Link");
    }

    @Test
    void swaggerHeaderParametersBasePathAndOpenEnums() throws Exception {
        String document = "/metadata/attested/document"; // IMDS: basePath /metadata + path /attested/document
        JsonNode attested = JSON.readTree("{\"encoding\":\"pkcs7\",\"signature\":\"MIIK\"}");
        Map<String, List<String>> version = Map.of("api-version", List.of("2020-09-01"));
        Map<String, List<String>> metadata = Map.of("Metadata", List.of("true"));
        // api-version's enum lists only 2018-10-01, as x-ms-enum modelAsString (open): other versions conform
        assertEquals(List.of(), Specs.imds().violations(new Exchange("GET", document, version, metadata, null, 200, Map.of(), attested)));
        assertOne(Specs.imds().violations(new Exchange("GET", "/attested/document", version, metadata, null, 200, Map.of(), attested)),
                "no operation GET /attested/document");
        // a header parameter is checked when the request's headers were recorded, by any case of its name ...
        assertEquals(List.of(), Specs.imds().violations(new Exchange("GET", document, version, Map.of("metadata", List.of("true")),
                null, 200, Map.of(), attested)));
        assertOne(Specs.imds().violations(new Exchange("GET", document, version, Map.of(), null, 400, Map.of(),
                JSON.createObjectNode().put("error", "Bad request"))), "required header Metadata missing");
        // ... against its enum, which is closed (modelAsString false)
        assertOne(Specs.imds().violations(new Exchange("GET", document, version, Map.of("Metadata", List.of("yes")), null, 400,
                Map.of(), JSON.createObjectNode().put("error", "Bad request"))), "header Metadata");
        // and not at all when they were not
        assertEquals(List.of(), Specs.imds().violations(new Exchange("GET", document, version, null, 200, Map.of(), attested)));
    }

    /** Exactly one violation, naming {@code what}. */
    private static void assertOne(List<String> violations, String what) {
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains(what), violations::toString);
    }

    private static void assertAny(List<String> violations, String what) {
        assertTrue(violations.stream().anyMatch(v -> v.contains(what)), violations::toString);
    }
}
