package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class PemPrivateKeysTest {
    private static final KeyPair KEYS = AppKeys.generate();

    @Test
    void readsPkcs8() {
        assertArrayEquals(KEYS.getPrivate().getEncoded(), PemPrivateKeys.read(AppKeys.pkcs8Pem(KEYS)).getEncoded());
    }

    @Test
    void readsPkcs1AsGitHubIssuesIt() {
        assertArrayEquals(KEYS.getPrivate().getEncoded(), PemPrivateKeys.read(AppKeys.pkcs1Pem(KEYS)).getEncoded());
    }

    @Test
    void errorsNeverQuoteTheKey() {
        String pem = AppKeys.pkcs1Pem(KEYS);
        String broken = pem.substring(0, 200) + "!!!" + pem.substring(200);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read(broken));
        assertFalse(e.getMessage().contains(pem.substring(40, 100)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    }
}
