package io.vmssrunnerscaler.fakes.keyvault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One answer of the fake vault, with the headers every Key Vault answer carries. */
record Answer(int status, Map<String, ?> body, Map<String, String> headers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Key Vault's error shape: {@code {"error":{"code":..,"message":..}}}. */
    static Answer error(int status, String code, String message) {
        return new Answer(status, Map.of("error", Map.of("code", code, "message", message)), Map.of());
    }

    Answer with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new Answer(status, body, h);
    }

    byte[] bodyBytes() {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void writeTo(HttpExchange exchange) throws IOException {
        byte[] bytes = bodyBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        exchange.getResponseHeaders().set("x-ms-keyvault-service-version", "1.9.0.0");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
