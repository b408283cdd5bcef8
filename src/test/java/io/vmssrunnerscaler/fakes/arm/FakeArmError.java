package io.vmssrunnerscaler.fakes.arm;

import java.util.LinkedHashMap;
import java.util.Map;

/** An ARM error answer: HTTP status, headers, and {@code {"error":{"code","message"}}}. */
final class FakeArmError extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    FakeArmError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    FakeArmError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    FakeHttp.Answer answer() {
        return new FakeHttp.Answer(status, headers, Map.of("error", Map.of("code", code, "message", getMessage())));
    }
}
