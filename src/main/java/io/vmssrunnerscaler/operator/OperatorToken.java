package io.vmssrunnerscaler.operator;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The operator token the operator endpoints check callers with. The wiring sets it at start (from
 * {@code scaler.operator.token}), or later from Key Vault in azure mode; until then every operator
 * endpoint is answered 503. Only the token's SHA-256 digest is kept, and a presented token is
 * compared digest to digest in constant time, so neither its content nor its length leaks.
 */
@ApplicationScoped
public class OperatorToken {
    /** The shortest token accepted, from the configuration or from Key Vault. */
    public static final int MIN_LENGTH = 32;

    /** Where the endpoints stand. */
    public enum State {
        /** The token is on its way (from Key Vault, or the wiring has not run yet): answer 503. */
        PENDING,
        /** No token is configured (simulator mode only): loopback callers only. */
        LOOPBACK_ONLY,
        /** A token is known: it is required from every caller. */
        REQUIRED
    }

    private volatile byte[] digest;
    private volatile State state = State.PENDING;

    /** Forgets the token (a start in place): until {@link #use} or {@link #openToLoopback}, 503. */
    public void expect() {
        this.digest = null;
        this.state = State.PENDING;
    }

    /** No token is configured: the endpoints answer loopback callers only. */
    public void openToLoopback() {
        this.digest = null;
        this.state = State.LOOPBACK_ONLY;
    }

    /** The token is known; at least {@link #MIN_LENGTH} characters. */
    public void use(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the operator token must be at least " + MIN_LENGTH + " characters");
        }
        this.digest = sha256(token);
        this.state = State.REQUIRED;
    }

    public State state() {
        return state;
    }

    /** Whether {@code presented} is the token; false while none is known. Constant time in the token's content and length. */
    public boolean matches(String presented) {
        byte[] expected = digest;
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
