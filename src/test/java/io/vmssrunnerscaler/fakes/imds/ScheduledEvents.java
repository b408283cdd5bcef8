package io.vmssrunnerscaler.fakes.imds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One VM's Scheduled Events document in the fake IMDS: what {@code GET /metadata/scheduledevents} lists and
 * what {@code POST} approves.
 *
 * <p>Azure/azure-rest-api-specs has no description of Scheduled Events (its IMDS documents, up to 2023-07-01,
 * have {@code /versions}, {@code /instance}, {@code /attested/document} and {@code /identity/*} only), so this
 * follows the wire format of Microsoft's "Azure Metadata Service: Scheduled Events for Linux VMs"
 * (MicrosoftDocs/azure-compute-docs {@code articles/virtual-machines/linux/scheduled-events.md}):
 * {@code {"DocumentIncarnation":N,"Events":[{"EventId","EventStatus","EventType","ResourceType","Resources",
 * "NotBefore","Description","EventSource","DurationInSeconds"}]}} in that order; the incarnation grows with
 * every change of the events; {@code NotBefore} is an RFC 1123 time ("Mon, 19 Sep 2016 18:29:47 GMT") while
 * Scheduled and empty once Started; an approval is {@code {"StartRequests":[{"EventId":"..."}]}}, answered 200
 * for a valid event id (also one approved before) and 400 for a malformed body. The docs give no text for the
 * 400s of the body or an unknown event id: those texts are made up. The answer to an approval is empty.
 */
final class ScheduledEvents {
    /** The versions Microsoft's page lists (2017-03-01 was a preview). */
    static final Set<String> API_VERSIONS = Set.of("2017-08-01", "2017-11-01", "2019-01-01", "2019-04-01", "2019-08-01",
            "2020-07-01");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NOT_BEFORE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** An event as listed. */
    record Event(String id, String type, List<String> resources, Instant notBefore, String status) {
    }

    private int incarnation = 1;
    private final Map<String, Event> events = new LinkedHashMap<>();
    private final List<String> startRequests = new ArrayList<>();

    synchronized String schedule(String type, List<String> resources, Instant notBefore) {
        String id = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        events.put(id, new Event(id, Objects.requireNonNull(type), List.copyOf(resources), Objects.requireNonNull(notBefore),
                "Scheduled"));
        incarnation++;
        return id;
    }

    /** The event has run its course: it leaves the document. */
    synchronized void end(String id) {
        if (events.remove(id) != null) {
            incarnation++;
        }
    }

    synchronized int incarnation() {
        return incarnation;
    }

    synchronized String status(String id) {
        Event e = events.get(id);
        return e == null ? null : e.status();
    }

    /** The event ids of every StartRequest accepted, in order (repeats included). */
    synchronized List<String> startRequests() {
        return List.copyOf(startRequests);
    }

    synchronized String document() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("DocumentIncarnation", incarnation);
        ArrayNode list = doc.putArray("Events");
        for (Event e : events.values()) {
            ObjectNode o = list.addObject();
            o.put("EventId", e.id());
            o.put("EventStatus", e.status());
            o.put("EventType", e.type());
            o.put("ResourceType", "VirtualMachine");
            ArrayNode resources = o.putArray("Resources");
            e.resources().forEach(resources::add);
            o.put("NotBefore", "Started".equals(e.status()) ? "" : NOT_BEFORE.format(e.notBefore()));
            o.put("Description", description(e.type()));
            o.put("EventSource", "Platform");
            o.put("DurationInSeconds", -1);
        }
        return doc.toString();
    }

    /** An approval: null when taken (200), else the error text of the 400. */
    synchronized String approve(byte[] body) {
        JsonNode requests;
        try {
            requests = JSON.readTree(body).path("StartRequests");
        } catch (IOException e) {
            return "Bad request. The request body is not valid JSON";
        }
        if (!requests.isArray() || requests.isEmpty()) {
            return "Bad request. StartRequests is missing";
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode r : requests) {
            String id = r.path("EventId").asText("");
            if (!events.containsKey(id)) {
                return "Bad request. Unknown EventId " + id;
            }
            ids.add(id);
        }
        for (String id : ids) {
            startRequests.add(id);
            Event e = events.get(id);
            if (!"Started".equals(e.status())) {
                events.put(id, new Event(e.id(), e.type(), e.resources(), e.notBefore(), "Started"));
                incarnation++;
            }
        }
        return null;
    }

    private static String description(String type) {
        return switch (type) {
            case "Preempt" -> "Spot virtual machine is being evicted.";
            case "Terminate" -> "Virtual machine is being deleted.";
            case "Freeze" -> "Virtual machine is being paused because of a memory-preserving Live Migration operation.";
            default -> "Host server is undergoing maintenance.";
        };
    }
}
