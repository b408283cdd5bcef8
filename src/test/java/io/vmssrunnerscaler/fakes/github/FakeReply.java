package io.vmssrunnerscaler.fakes.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One answer of the fake: status, extra headers, JSON body (may be empty). */
record FakeReply(int status, Map<String, String> headers, byte[] body) {
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeReply json(int status, Object body) {
        try {
            return new FakeReply(status, new LinkedHashMap<>(), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GitHub's error shape: {@code {message, documentation_url}}. */
    static FakeReply error(int status, String message) {
        return json(status, Map.of("message", message,
                "documentation_url", "https://docs.github.com/rest", "status", String.valueOf(status)));
    }

    static FakeReply empty(int status) {
        return new FakeReply(status, new LinkedHashMap<>(), new byte[0]);
    }

    FakeReply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
