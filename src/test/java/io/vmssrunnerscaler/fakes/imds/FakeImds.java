package io.vmssrunnerscaler.fakes.imds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vmssrunnerscaler.fakes.spec.Exchange;
import io.vmssrunnerscaler.fakes.spec.SpecCheck;
import io.vmssrunnerscaler.fakes.spec.Specs;
import io.vmssrunnerscaler.sim.SimAttestation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;

/**
 * Azure's instance metadata service (IMDS) attested document endpoint, for many VMs at once: every runner VM
 * has its own IMDS at 169.254.169.254, so here VM {@code name}'s is under {@code /vm/{name}}
 * ({@link #baseUriFor}). Plain http on 127.0.0.1, as IMDS is plain http.
 *
 * <p>Answers as documented (azure-rest-api-specs imds 2020-09-01 {@code Attested_GetDocument}; Microsoft's
 * IMDS docs): {@code GET .../metadata/attested/document?api-version=...&nonce=...} with {@code Metadata: true}
 * gives 200 {@code {"encoding":"pkcs7","signature":"<base64>"}}; errors are {@code {"error":"..."}}
 * ({@code ErrorResponse}): 400 without {@code Metadata: true} ("Bad request. Required metadata header not
 * specified"), with {@code X-Forwarded-For}, without api-version (with {@code newest-versions}, as the docs
 * show), with an api-version IMDS does not know, or a nonce that is not 1-32 alphanumerics (the docs give
 * these last two texts nowhere: ours are made up); 404 for a path IMDS does not have; 405 for other methods.
 * Without a nonce the document's nonce is the time, {@code yyyyMMdd-HHmmss} (the docs' "20181128-001617").
 *
 * <p>Every exchange of a VM it serves is held to that document ({@link #specCheck()}, the trimmed copy
 * {@code specs/azure/imds-2020-09-01.json}): the 200 to {@code AttestedData}, every error to
 * {@code default}'s {@code ErrorResponse}, the request's {@code api-version}, {@code nonce} and
 * {@code Metadata} header to their parameters. The document lists no 404 or 405 and no other path or
 * method, so a request for one (which makes those answers) is named as no operation of IMDS. The 404
 * for a VM it does not serve is the fake's own routing and is not checked.
 *
 * <p>Also each VM's Scheduled Events ({@link #scheduleEvent}, {@code GET} and {@code POST}
 * {@code /metadata/scheduledevents}; see {@link ScheduledEvents} for the wire format) and its name
 * ({@code GET /metadata/instance/compute/name?...&format=text}: the name it is served under, as a scale-set
 * VM's is {@code {scale-set-name}_{instance-id}}). No published description has these two paths, so their
 * exchanges are not held to one; the fake answers them as Microsoft's docs say, with the same 400s as the
 * attested document for a missing {@code Metadata: true}, {@code X-Forwarded-For} or api-version.
 */
public final class FakeImds implements AutoCloseable {
    /** The api-versions IMDS's docs list from the attested endpoint's first, 2018-10-01. */
    static final Set<String> API_VERSIONS = Set.of("2018-10-01", "2019-02-01", "2019-03-11", "2019-04-30",
            "2019-06-01", "2019-06-04", "2019-08-01", "2019-08-15", "2019-11-01", "2020-06-01", "2020-07-15",
            "2020-09-01", "2020-10-01", "2020-12-01", "2021-01-01", "2021-02-01", "2021-03-01", "2021-05-01",
            "2021-10-01", "2021-11-01", "2021-11-15", "2021-12-13", "2023-07-01");
    static final String NEWEST_VERSIONS = "[\"2021-12-13\",\"2021-11-15\",\"2021-11-01\"]";
    private static final Pattern PATH = Pattern.compile("/vm/([^/]+)(/.*)");
    private static final String NOT_FOUND = "{\"error\":\"Not found\"}";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final String SCHEDULED_EVENTS = "/metadata/scheduledevents";
    private static final String COMPUTE_NAME = "/metadata/instance/compute/name";
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final DateTimeFormatter DEFAULT_NONCE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final Map<String, ScheduledEvents> scheduledEvents = new ConcurrentHashMap<>();
    private final AtomicInteger documents = new AtomicInteger();
    private volatile TestAttestation.Signer signer;
    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration createdOffset = Duration.ZERO;
    private volatile Duration lifetime = SimAttestation.DOCUMENT_LIFETIME;
    private volatile boolean tamper;
    private final SpecCheck spec = new SpecCheck("fake IMDS", Specs.imds());

    private record Vm(String vmId, String subscriptionId) {
    }

    private FakeImds(TestAttestation.Signer signer) throws IOException {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A fake IMDS signing with {@code signer} (e.g. {@link TestAttestation#trustedSigner()}). */
    public static FakeImds start(TestAttestation.Signer signer) {
        try {
            return new FakeImds(signer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake IMDS", e);
        }
    }

    /** Every exchange of a served VM held against IMDS's 2020-09-01 document (see {@link SpecCheck}). */
    public SpecCheck specCheck() {
        return spec;
    }

    /** From now on, VM {@code vmName}'s IMDS attests {@code vmId} in {@code subscriptionId}. */
    public void serve(String vmName, String vmId, String subscriptionId) {
        vms.put(vmName, new Vm(Objects.requireNonNull(vmId), Objects.requireNonNull(subscriptionId)));
        scheduledEvents.putIfAbsent(vmName, new ScheduledEvents());
    }

    /**
     * Azure schedules an event ({@code Preempt}, {@code Terminate}, {@code Freeze}, {@code Reboot},
     * {@code Redeploy}) that VM {@code vmName}'s IMDS lists, naming {@code resources} (VM names, as compute/name
     * gives them), not before {@code notBefore}. Returns its EventId.
     */
    public String scheduleEvent(String vmName, String type, List<String> resources, Instant notBefore) {
        return events(vmName).schedule(type, resources, notBefore);
    }

    /** The event has run its course and leaves VM {@code vmName}'s document. */
    public void endEvent(String vmName, String eventId) {
        events(vmName).end(eventId);
    }

    /** {@code Scheduled} or {@code Started} (after an approval), or null when not listed. */
    public String eventStatus(String vmName, String eventId) {
        return events(vmName).status(eventId);
    }

    /** The DocumentIncarnation VM {@code vmName}'s IMDS lists now. */
    public int documentIncarnation(String vmName) {
        return events(vmName).incarnation();
    }

    /** The EventIds VM {@code vmName} approved, in order. */
    public List<String> startRequests(String vmName) {
        return events(vmName).startRequests();
    }

    private ScheduledEvents events(String vmName) {
        ScheduledEvents events = scheduledEvents.get(vmName);
        if (events == null) {
            throw new IllegalArgumentException("the fake IMDS does not serve " + vmName);
        }
        return events;
    }

    /** Where VM {@code vmName}'s IMDS is: {@code baseUri + "/metadata/attested/document?..."}. */
    public URI baseUriFor(String vmName) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/vm/" + vmName);
    }

    /** The JSON IMDS would answer VM {@code vmName} for {@code nonce}, without HTTP. */
    public String documentFor(String vmName, String nonce) {
        Vm vm = vms.get(vmName);
        if (vm == null) {
            throw new IllegalArgumentException("the fake IMDS does not serve " + vmName);
        }
        documents.incrementAndGet();
        Instant created = clock.instant().plus(createdOffset);
        byte[] content = SimAttestation.content(vm.vmId(), vm.subscriptionId(), nonce, created, created.plus(lifetime));
        String signature = signer.sign(content);
        return SimAttestation.response(tamper ? tampered(signature) : signature);
    }

    /** Sign with another key from now on (e.g. {@link TestAttestation#untrustedSigner()}). */
    public void signWith(TestAttestation.Signer other) {
        this.signer = Objects.requireNonNull(other);
    }

    /** Documents created at {@code clock}'s time (default: the system's). */
    public void useClock(Clock other) {
        this.clock = Objects.requireNonNull(other);
    }

    /**
     * Documents created {@code offset} from the clock's now (negative: in the past) and valid for
     * {@code validFor} (Azure: 6 hours). {@code (-7h, 6h)} gives expired documents, {@code (+1h, 6h)}
     * documents from the future.
     */
    public void window(Duration offset, Duration validFor) {
        this.createdOffset = Objects.requireNonNull(offset);
        this.lifetime = Objects.requireNonNull(validFor);
    }

    /** Change the signed content after signing (the signature and certificate stay as signed). */
    public void tamperAfterSigning(boolean on) {
        this.tamper = on;
    }

    /** How many documents were made (over HTTP or not). */
    public int documentsMade() {
        return documents.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The same PKCS#7 with one byte of its content changed ({@code "vmId"}'s first character). */
    static String tampered(String signatureBase64) {
        ContentInfo outer = ContentInfo.getInstance(Base64.getDecoder().decode(signatureBase64));
        SignedData signed = SignedData.getInstance(outer.getContent());
        byte[] content = ASN1OctetString.getInstance(signed.getEncapContentInfo().getContent()).getOctets();
        String text = new String(content, StandardCharsets.UTF_8);
        int at = text.indexOf("\"vmId\":\"") + 8;
        char changed = text.charAt(at) == 'f' ? 'e' : 'f';
        byte[] forged = (text.substring(0, at) + changed + text.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
        SignedData forgedSigned = new SignedData(signed.getDigestAlgorithms(),
                new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(forged)), signed.getCertificates(),
                signed.getCRLs(), signed.getSignerInfos());
        try {
            return Base64.getEncoder().encodeToString(
                    new ContentInfo(CMSObjectIdentifiers.signedData, forgedSigned).getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!path.matches() || !vms.containsKey(path.group(1))) {
                // The fake's own routing, not IMDS: a VM this fake does not serve has no IMDS at all (on
                // Azure the request would never leave the VM), so there is nothing to hold to IMDS's document.
                reply(exchange, new Answer(404, NOT_FOUND));
                return;
            }
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            if (SCHEDULED_EVENTS.equals(path.group(2)) || COMPUTE_NAME.equals(path.group(2))) {
                // documented by Microsoft's pages only: no description to hold the exchange to
                reply(exchange, undescribed(exchange, path.group(1), path.group(2), requestBody));
                return;
            }
            Answer answer = answer(exchange, path.group(1), path.group(2));
            // Checked as IMDS sees it: without the fake's /vm/{name} prefix, so the path is the document's
            // basePath + path (/metadata/attested/document). Any other path of a served VM, or another
            // method, is checked too and named as no operation of the document: nothing here may call it.
            spec.check(new Exchange(exchange.getRequestMethod(), path.group(2),
                    Exchange.query(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders(),
                    SpecCheck.json(requestBody), answer.status(), Map.of("Content-Type", List.of(CONTENT_TYPE)),
                    SpecCheck.json(answer.json().getBytes(StandardCharsets.UTF_8))));
            reply(exchange, answer);
        }
    }

    /** What IMDS answers VM {@code vmName}'s request for {@code path} (below the {@code /vm/{name}} prefix). */
    private Answer answer(HttpExchange exchange, String vmName, String path) {
        if (!"/metadata/attested/document".equals(path)) {
            return new Answer(404, NOT_FOUND);
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            return new Answer(405, "{\"error\":\"Method not allowed\"}");
        }
        if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
            return new Answer(400, "{\"error\":\"Bad request. X-Forwarded-For header is not allowed\"}");
        }
        if (!"true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Metadata"))) {
            return new Answer(400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String version = query.get("api-version");
        if (version == null) {
            return new Answer(400, "{\"error\":\"Bad request. api-version was not specified in the request. For more"
                    + " information refer to aka.ms/azureimds\",\"newest-versions\":" + NEWEST_VERSIONS + "}");
        }
        if (!API_VERSIONS.contains(version)) {
            return new Answer(400, "{\"error\":\"Bad request. api-version is invalid. For more information refer to"
                    + " aka.ms/azureimds\",\"newest-versions\":" + NEWEST_VERSIONS + "}");
        }
        String nonce = query.get("nonce");
        if (nonce != null && !NONCE.matcher(nonce).matches()) {
            return new Answer(400, "{\"error\":\"Bad request. The nonce must be up to 32 alphanumeric characters\"}");
        }
        return new Answer(200, documentFor(vmName, nonce != null ? nonce : DEFAULT_NONCE.format(clock.instant())));
    }

    /** Scheduled events and the VM's name: the checks every IMDS request gets, then the answer. */
    private Answer undescribed(HttpExchange exchange, String vmName, String path, byte[] body) {
        String method = exchange.getRequestMethod();
        boolean events = SCHEDULED_EVENTS.equals(path);
        if (!"GET".equals(method) && !(events && "POST".equals(method))) {
            return new Answer(405, "{\"error\":\"Method not allowed\"}");
        }
        Answer refused = refusedHeadersOrVersion(exchange, events ? ScheduledEvents.API_VERSIONS : API_VERSIONS);
        if (refused != null) {
            return refused;
        }
        if (!events) {
            if (!"text".equals(query(exchange.getRequestURI().getRawQuery()).get("format"))) {
                // made up: the docs ask for format=text on a leaf and show no other answer
                return new Answer(400, "{\"error\":\"Bad request. Leaf nodes need format=text\"}");
            }
            return new Answer(200, vmName, "text/plain; charset=utf-8");
        }
        ScheduledEvents document = events(vmName);
        if ("GET".equals(method)) {
            return new Answer(200, document.document());
        }
        String error = document.approve(body);
        return error == null ? new Answer(200, "") : new Answer(400, "{\"error\":\"" + error.replace("\"", "'") + "\"}");
    }

    /** The 400 IMDS gives for a request without {@code Metadata: true}, with X-Forwarded-For or a bad api-version. */
    private static Answer refusedHeadersOrVersion(HttpExchange exchange, Set<String> versions) {
        if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
            return new Answer(400, "{\"error\":\"Bad request. X-Forwarded-For header is not allowed\"}");
        }
        if (!"true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Metadata"))) {
            return new Answer(400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
        }
        String version = query(exchange.getRequestURI().getRawQuery()).get("api-version");
        if (version == null) {
            return new Answer(400, "{\"error\":\"Bad request. api-version was not specified in the request. For more"
                    + " information refer to aka.ms/azureimds\",\"newest-versions\":" + NEWEST_VERSIONS + "}");
        }
        if (!versions.contains(version)) {
            return new Answer(400, "{\"error\":\"Bad request. api-version is invalid. For more information refer to"
                    + " aka.ms/azureimds\",\"newest-versions\":" + NEWEST_VERSIONS + "}");
        }
        return null;
    }

    private record Answer(int status, String json, String contentType) {
        Answer(int status, String json) {
            this(status, json, CONTENT_TYPE);
        }
    }

    /** The first value of each query parameter. */
    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        Exchange.query(raw).forEach((name, values) -> out.put(name, values.get(0)));
        return out;
    }

    private static void reply(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
