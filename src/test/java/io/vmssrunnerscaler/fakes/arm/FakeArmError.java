package io.vmssrunnerscaler.fakes.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ARM error answer: HTTP status, headers, and ARM's error body
 * {@code {"error":{"code","message"[,"target"][,"details":[{"code","message"[,"target"]}]]}}}.
 */
final class FakeArmError extends RuntimeException {
    /** One entry of {@code error.details}. */
    record Detail(String code, String target, String message) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", code);
            if (target != null) {
                m.put("target", target);
            }
            m.put("message", message);
            return m;
        }
    }

    final int status;
    final String code;
    final List<Detail> details;
    final FakeHttp.Answer headers = FakeHttp.Answer.of(0, null); // used for its headers only

    FakeArmError(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    FakeArmError(int status, String code, String message, List<Detail> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = List.copyOf(details);
    }

    FakeArmError header(String name, String value) {
        headers.header(name, value);
        return this;
    }

    FakeArmError addHeader(String name, String value) {
        headers.addHeader(name, value);
        return this;
    }

    /** {@code {"code","message"[,"details"]}}: what ARM puts under "error" (and an operation status under "error" too). */
    Map<String, Object> error() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", getMessage());
        if (!details.isEmpty()) {
            m.put("details", details.stream().map(Detail::json).toList());
        }
        return m;
    }

    FakeHttp.Answer answer() {
        return new FakeHttp.Answer(status, headers.headers(), Map.of("error", error()));
    }
}
