package io.vmssrunnerscaler.identity.imds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vmssrunnerscaler.fakes.imds.FakeImds;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.fakes.imds.TestAttestation.Signer;
import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationException.Reason;
import io.vmssrunnerscaler.identity.AttestedInstance;
import io.vmssrunnerscaler.sim.SimAttestation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pkcs7AttestationVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VM_ID = "d3e0e374-fda6-4649-bbc9-7f20dc379f34";
    private static final String SUBSCRIPTION = "8d10da13-8125-4ba9-a717-bf7490507b3d";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final Pkcs7AttestationVerifier verifier = TestAttestation.verifier();
    private FakeImds imds;

    @BeforeEach
    void start() {
        imds = FakeImds.start(TestAttestation.trustedSigner());
        imds.serve("vm-0", VM_ID, SUBSCRIPTION);
        imds.useClock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    @Test
    void aValidDocumentVerifiesAndGivesItsClaims() throws Exception {
        AttestedInstance instance = verify(imds.documentFor("vm-0", "abc123"), verifier, NOW);
        assertEquals(new AttestedInstance(VM_ID, SUBSCRIPTION, "abc123", NOW, NOW.plus(Duration.ofHours(6))), instance);
    }

    @Test
    void contentChangedAfterSigningIsABadSignature() {
        imds.tamperAfterSigning(true);
        String document = imds.documentFor("vm-0", "abc123");
        assertEquals(Reason.BAD_SIGNATURE, refusal(document, verifier, NOW));
    }

    @Test
    void aSignerUnderAnotherRootIsUntrusted() {
        imds.signWith(TestAttestation.untrustedSigner());
        assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "abc123"), verifier, NOW));
    }

    @Test
    void withoutTheIntermediateTheSignerIsUntrusted() {
        Pkcs7AttestationVerifier rootOnly = new Pkcs7AttestationVerifier(
                Pkcs7AttestationVerifier.Settings.trusting(List.of(TestAttestation.trustAnchor())));
        assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "abc123"), rootOnly, NOW));
    }

    @Test
    void theChainIsCheckedAtTheGivenTime() {
        // The test certificates were made at build time: a year earlier none of them was valid yet.
        Instant then = NOW.minus(Duration.ofDays(365));
        imds.useClock(Clock.fixed(then, ZoneOffset.UTC));
        assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "abc123"), verifier, then));
    }

    @Test
    void aSignerNamedOtherwiseIsTheWrongName() {
        for (String name : List.of("metadata.example.com", "evilmetadata.azure.com", "metadata.azure.com.evil.example")) {
            imds.signWith(TestAttestation.issue(TestAttestation.intermediateCa(), name, null));
            assertEquals(Reason.WRONG_SIGNER_NAME, refusal(imds.documentFor("vm-0", "abc123"), verifier, NOW), name);
        }
    }

    @Test
    void aSubdomainOfTheNameIsAccepted() throws Exception {
        // Microsoft's docs: the certificate may not be exactly metadata.azure.com; allow any subdomain.
        imds.signWith(TestAttestation.issue(TestAttestation.intermediateCa(), "eastus.metadata.azure.com", null));
        assertEquals(VM_ID, verify(imds.documentFor("vm-0", "abc123"), verifier, NOW).vmId());
        assertTrue(Pkcs7AttestationVerifier.matches("*.metadata.azure.com", "metadata.azure.com"));
        assertFalse(Pkcs7AttestationVerifier.matches("xmetadata.azure.com", "metadata.azure.com"));
    }

    @Test
    void anExpiredDocumentIsExpired() throws Exception {
        imds.window(Duration.ofHours(-7), Duration.ofHours(6));
        assertEquals(Reason.EXPIRED, refusal(imds.documentFor("vm-0", "abc123"), verifier, NOW));
        // expiresOn itself is already too late; one second before it is not.
        imds.window(Duration.ofHours(-6), Duration.ofHours(6));
        String document = imds.documentFor("vm-0", "abc123");
        assertEquals(Reason.EXPIRED, refusal(document, verifier, NOW));
        assertEquals(VM_ID, verify(document, verifier, NOW.minusSeconds(1)).vmId());
    }

    @Test
    void aDocumentFromTheFutureIsNotYetValidBeyondTheSkew() throws Exception {
        imds.window(Duration.ofMinutes(10), Duration.ofHours(6));
        assertEquals(Reason.NOT_YET_VALID, refusal(imds.documentFor("vm-0", "abc123"), verifier, NOW));
        imds.window(Duration.ofMinutes(1), Duration.ofHours(6)); // within the default 2 minutes
        assertEquals(VM_ID, verify(imds.documentFor("vm-0", "abc123"), verifier, NOW).vmId());
        Pkcs7AttestationVerifier noSkew = new Pkcs7AttestationVerifier(TestAttestation.settings().withClockSkew(Duration.ZERO));
        assertEquals(Reason.NOT_YET_VALID, refusal(imds.documentFor("vm-0", "abc123"), noSkew, NOW));
    }

    @Test
    void whatIsNotAnAttestedDocumentIsMalformed() {
        String valid = signature(imds.documentFor("vm-0", "abc123"));
        assertMalformed(() -> verifier.verify("pkcs7", "not base64!", NOW));
        assertMalformed(() -> verifier.verify("pkcs7", Base64.getEncoder().encodeToString("hello".getBytes()), NOW));
        assertMalformed(() -> verifier.verify("jws", valid, NOW));
        assertMalformed(() -> verifier.verify(null, valid, NOW));
        assertMalformed(() -> verifier.verify("pkcs7", "", NOW));
        assertMalformed(() -> verifier.verify("pkcs7", "A".repeat(Pkcs7AttestationVerifier.MAX_SIGNATURE_CHARS + 4), NOW));
    }

    @Test
    void signedContentThatIsNotTheDocumentIsMalformed() {
        Signer signer = TestAttestation.trustedSigner();
        String created = SimAttestation.timestamp(NOW);
        String expires = SimAttestation.timestamp(NOW.plusSeconds(3600));
        List<String> contents = List.of("not json",
                "[1,2]",
                "{\"nonce\":\"n\",\"timeStamp\":{\"createdOn\":\"" + created + "\",\"expiresOn\":\"" + expires
                        + "\"},\"subscriptionId\":\"s\"}",
                "{\"nonce\":\"n\",\"timeStamp\":{\"createdOn\":\"" + created + "\",\"expiresOn\":\"" + expires
                        + "\"},\"vmId\":7,\"subscriptionId\":\"s\"}",
                "{\"nonce\":\"n\",\"vmId\":\"v\",\"subscriptionId\":\"s\"}",
                "{\"nonce\":\"n\",\"timeStamp\":{\"createdOn\":\"2018-11-28T00:16:17Z\",\"expiresOn\":\"" + expires
                        + "\"},\"vmId\":\"v\",\"subscriptionId\":\"s\"}",
                "{\"nonce\":\"n\",\"timeStamp\":{\"createdOn\":\"" + created + "\",\"expiresOn\":\"" + expires
                        + "\"},\"vmId\":\"v\",\"subscriptionId\":\"s\"} trailing");
        for (String content : contents) {
            String signature = signer.sign(content.getBytes(StandardCharsets.UTF_8));
            AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify("pkcs7", signature, NOW),
                    content);
            assertEquals(Reason.MALFORMED, e.reason(), content);
        }
    }

    @Test
    void imdsTimestampsAreParsedStrictly() throws Exception {
        assertEquals(Instant.parse("2018-11-28T00:16:17Z"), parseCreatedOn("11/28/18 00:16:17 -0000"));
        assertEquals(Instant.parse("2018-11-28T00:16:17Z"), parseCreatedOn("11/28/18 01:16:17 +0100"));
        for (String bad : List.of("02/30/24 00:00:00 -0000", "1/28/18 00:16:17 -0000", "11/28/18 00:16:17",
                "11/28/2018 00:16:17 -0000", "28/11/18 00:16:17 -0000", "11/28/18 24:00:00 -0000")) {
            assertThrows(AttestationException.class, () -> parseCreatedOn(bad), bad);
        }
    }

    @Test
    void aMissingIntermediateIsFetchedFromTheAiaUrlOnce() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        byte[] intermediate = TestAttestation.intermediate().getEncoded();
        HttpServer aia = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        aia.createContext("/pki/intermediate.crt", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/pkix-cert");
            exchange.sendResponseHeaders(200, intermediate.length);
            exchange.getResponseBody().write(intermediate);
            exchange.close();
        });
        aia.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + aia.getAddress().getPort() + "/pki/intermediate.crt");
            imds.signWith(TestAttestation.issue(TestAttestation.intermediateCa(), "metadata.azure.com", url));
            Pkcs7AttestationVerifier.Settings rootOnly = Pkcs7AttestationVerifier.Settings
                    .trusting(List.of(TestAttestation.trustAnchor()));

            Pkcs7AttestationVerifier fetching = new Pkcs7AttestationVerifier(rootOnly.withIssuerFetcher(
                    new AiaIssuerFetcher(Set.of("127.0.0.1"), Duration.ofSeconds(5), 4)));
            assertEquals(VM_ID, verify(imds.documentFor("vm-0", "one"), fetching, NOW).vmId());
            assertEquals(VM_ID, verify(imds.documentFor("vm-0", "two"), fetching, NOW).vmId());
            assertEquals(1, fetches.get(), "the second document used the cached intermediate");

            Pkcs7AttestationVerifier notFetching = new Pkcs7AttestationVerifier(rootOnly);
            assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "three"), notFetching, NOW));

            Pkcs7AttestationVerifier otherHosts = new Pkcs7AttestationVerifier(
                    rootOnly.withIssuerFetcher(AiaIssuerFetcher.forMicrosoft()));
            assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "four"), otherHosts, NOW));
            assertEquals(1, fetches.get(), "a host off the allow-list is never asked");
        } finally {
            aia.stop(0);
        }
    }

    @Test
    void microsoftsDefaultsHoldTheJdksCopiesOfItsRoots() {
        List<java.security.cert.X509Certificate> anchors = MicrosoftImdsTrust.anchorsFromJdk();
        assertFalse(anchors.isEmpty());
        assertTrue(anchors.stream().allMatch(a -> MicrosoftImdsTrust.ROOT_SUBJECTS.contains(a.getSubjectX500Principal())),
                anchors.toString());
        Pkcs7AttestationVerifier microsoft = MicrosoftImdsTrust.verifier();
        assertEquals(anchors.size(), microsoft.settings().trustAnchors().size());
        assertEquals("metadata.azure.com", microsoft.settings().signerName());
        // The test CA is none of Microsoft's (and its leaf has no AIA URL: nothing is fetched).
        assertEquals(Reason.UNTRUSTED_SIGNER, refusal(imds.documentFor("vm-0", "abc123"), microsoft, NOW));
    }

    @Test
    void theMessageIsBoundedAndPrintable() {
        AttestationException e = new AttestationException(Reason.MALFORMED, "x\n\u0000".repeat(500));
        assertTrue(e.getMessage().length() <= AttestationException.MAX_MESSAGE, e.getMessage());
        assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
        assertTrue(e.getMessage().startsWith("MALFORMED: "), e.getMessage());
    }

    private static Instant parseCreatedOn(String text) throws AttestationException {
        return ImdsDocument.parse(("{\"nonce\":\"n\",\"timeStamp\":{\"createdOn\":\"" + text
                + "\",\"expiresOn\":\"11/28/18 06:16:17 -0000\"},\"vmId\":\"v\",\"subscriptionId\":\"s\"}")
                .getBytes(StandardCharsets.UTF_8)).createdOn();
    }

    private static AttestedInstance verify(String document, Pkcs7AttestationVerifier verifier, Instant now)
            throws Exception {
        JsonNode json = JSON.readTree(document);
        return verifier.verify(json.get("encoding").asText(), json.get("signature").asText(), now);
    }

    private static Reason refusal(String document, Pkcs7AttestationVerifier verifier, Instant now) {
        return assertThrows(AttestationException.class, () -> verify(document, verifier, now)).reason();
    }

    private static String signature(String document) {
        try {
            return JSON.readTree(document).get("signature").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Call {
        void run() throws AttestationException;
    }

    private static void assertMalformed(Call call) {
        assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class, call::run).reason());
    }
}
