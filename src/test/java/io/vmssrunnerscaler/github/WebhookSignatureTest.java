package io.vmssrunnerscaler.github;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    static final String GITHUB_VECTOR = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    final WebhookSignature signature = new WebhookSignature("It's a Secret to Everybody");

    @Test
    void githubsDocumentedTestVector() {
        assertEquals(GITHUB_VECTOR, signature.sign(BODY));
        assertTrue(signature.matches(GITHUB_VECTOR, BODY));
        assertTrue(signature.matches(GITHUB_VECTOR.toUpperCase().replace("SHA256=", "sha256="), BODY), "hex case does not matter");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "sha256=",
            "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e177",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",
            "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    })
    void anythingElseIsRefused(String header) {
        assertFalse(signature.matches(header, BODY));
    }

    @Test
    void aChangedBodyOrKeyIsRefused() {
        assertFalse(signature.matches(GITHUB_VECTOR, "Hello, World?".getBytes(StandardCharsets.UTF_8)));
        assertFalse(new WebhookSignature("another secret").matches(GITHUB_VECTOR, BODY));
        assertFalse(signature.matches(null, BODY));
    }
}
