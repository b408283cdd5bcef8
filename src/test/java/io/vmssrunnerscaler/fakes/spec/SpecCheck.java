package io.vmssrunnerscaler.fakes.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake's conformance record: every exchange it answers is checked against the published
 * description of the API it stands in for. A violation is kept (for tests that assert on it) and
 * appended to the file named by the system property {@code spec.violations} (set by the build for
 * every test run), which the build checks after the tests: a fake that drifts from the spec, or an
 * adapter that sends what the spec does not allow, fails the build whichever test caused it.
 */
public final class SpecCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fake;
    private final Function<Exchange, ApiDescription> describedBy;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile boolean offSpecOnPurpose;

    public SpecCheck(String fake, ApiDescription description) {
        this(fake, exchange -> description);
    }

    /** For a fake that stands in for several documents: {@code describedBy} picks the one of an exchange. */
    public SpecCheck(String fake, Function<Exchange, ApiDescription> describedBy) {
        this.fake = fake;
        this.describedBy = describedBy;
    }

    /** Checks one exchange; cheap enough to run on every request (schemas are compiled once). */
    public void check(Exchange exchange) {
        List<String> found = describedBy.apply(exchange).violations(exchange);
        if (found.isEmpty()) {
            return;
        }
        violations.addAll(found);
        String sink = System.getProperty("spec.violations");
        if (sink != null && !offSpecOnPurpose) {
            StringBuilder lines = new StringBuilder();
            found.forEach(v -> lines.append(fake).append(": ").append(v).append('\n'));
            synchronized (SpecCheck.class) { // one line at a time from fakes of several tests
                try {
                    Files.writeString(Path.of(sink), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** What the fake's exchanges broke so far. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * For tests of the fake (or of this check) that send requests no client may send (unknown routes,
     * broken bodies) on purpose: the violations are still kept for the test to assert on, but not
     * written for the build's check.
     */
    public void offSpecOnPurpose() {
        offSpecOnPurpose = true;
    }

    /** A body as JSON, or null when empty or not JSON (the check then says a body is missing). */
    public static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
