package io.vmssrunnerscaler.github.rest;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** RSA key pairs for GitHub App tests, and their PEM forms. */
final class AppKeys {
    private AppKeys() {}

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pkcs8Pem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** The PKCS#1 form GitHub hands out: the OCTET STRING inside the PKCS#8 structure. */
    static String pkcs1Pem(KeyPair pair) {
        byte[] der = pair.getPrivate().getEncoded();
        int at = skipHeader(der, 0);       // into SEQUENCE PrivateKeyInfo
        at = skipElement(der, at);          // past INTEGER version
        at = skipElement(der, at);          // past AlgorithmIdentifier
        int content = skipHeader(der, at);  // into OCTET STRING
        return pem("RSA PRIVATE KEY", Arrays.copyOfRange(der, content, skipElement(der, at)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Offset of the content of the DER element at {@code at}. */
    private static int skipHeader(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return at + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    /** Offset just past the DER element at {@code at}. */
    private static int skipElement(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        int length = first;
        if (first >= 0x80) {
            length = 0;
            for (int i = 0; i < (first & 0x7f); i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
        }
        return skipHeader(der, at) + length;
    }
}
