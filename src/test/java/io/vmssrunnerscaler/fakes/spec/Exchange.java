package io.vmssrunnerscaler.fakes.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request and the answer a fake gave it, as the conformance check reads them: header names in
 * lower case, bodies as JSON (null when there was none). {@code requestHeaders} is null when the fake
 * does not record them; the operation's header parameters are then not checked.
 */
public record Exchange(String method, String path, Map<String, List<String>> query, Map<String, List<String>> requestHeaders,
        JsonNode requestBody, int status, Map<String, List<String>> responseHeaders, JsonNode responseBody) {

    public Exchange {
        method = method.toUpperCase(Locale.ROOT);
        query = Map.copyOf(query);
        requestHeaders = requestHeaders == null ? null : lowerCaseNames(requestHeaders);
        responseHeaders = lowerCaseNames(responseHeaders);
    }

    /** An exchange whose request headers were not recorded (their parameters go unchecked). */
    public Exchange(String method, String path, Map<String, List<String>> query, JsonNode requestBody,
            int status, Map<String, List<String>> responseHeaders, JsonNode responseBody) {
        this(method, path, query, null, requestBody, status, responseHeaders, responseBody);
    }

    private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((name, values) -> out.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        return Map.copyOf(out);
    }

    /** The first value of a request header, or null (also when request headers were not recorded). */
    public String requestHeader(String name) {
        List<String> values = requestHeaders == null ? null : requestHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The decoded parameters of a raw query string ({@code a=1&b=x%20y}); a name may repeat. */
    public static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /** The first value of a response header, or null. */
    public String responseHeader(String name) {
        List<String> values = responseHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code GET /path -> 200}, for messages. */
    public String describe() {
        return method + " " + path + " -> " + status;
    }
}
