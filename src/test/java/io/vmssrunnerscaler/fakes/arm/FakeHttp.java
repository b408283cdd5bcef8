package io.vmssrunnerscaler.fakes.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing JSON answers on the JDK's HTTP server. */
final class FakeHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;

    /** An answer: status, headers (a name may repeat), and a JSON-serialisable body (null for none). */
    record Answer(int status, Map<String, List<String>> headers, Object body) {
        Answer {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            headers.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
            headers = copy;
        }

        static Answer of(int status, Object body) {
            return new Answer(status, Map.of(), body);
        }

        /** Sets the header, replacing any value it had. */
        Answer header(String name, String value) {
            headers.put(name, new ArrayList<>(List.of(value)));
            return this;
        }

        /** Adds one more header line of this name. */
        Answer addHeader(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }
    }

    private FakeHttp() {
    }

    /** Query parameters, decoded (first value wins, as ARM does). */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    /** The request's bytes, at most one more than the largest body taken. */
    static byte[] raw(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw new FakeArmError(400, "InvalidRequestContent", "body could not be read");
        }
    }

    /** The JSON body, or an empty object when there is none; bounded. */
    static JsonNode body(byte[] bytes) {
        if (bytes.length > MAX_BODY) {
            throw new FakeArmError(413, "RequestTooLarge", "body larger than " + MAX_BODY + " bytes");
        }
        try {
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new FakeArmError(400, "InvalidRequestContent", "body is not JSON");
        }
    }

    /** Writes the answer and ends the exchange; a client that has gone away is ignored. */
    static void send(HttpExchange exchange, Answer answer) {
        try {
            byte[] body = answer.body() == null ? new byte[0] : JSON.writeValueAsBytes(answer.body());
            answer.headers().forEach((k, values) -> values.forEach(v -> exchange.getResponseHeaders().add(k, v)));
            if (body.length > 0) {
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            }
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } catch (IOException e) {
            // the client gave up (e.g. its timeout expired while a delayed answer waited)
        } finally {
            exchange.close();
        }
    }
}
