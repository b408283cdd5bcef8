package io.vmssrunnerscaler.github.rest;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads an RSA private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what GitHub hands out for an App), which the JDK cannot read
 * directly and which is therefore wrapped into PKCS#8 first. Errors never quote the key.
 */
final class PemPrivateKeys {
    private static final String PKCS1 = "RSA PRIVATE KEY";
    private static final String PKCS8 = "PRIVATE KEY";
    /** DER of AlgorithmIdentifier{rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemPrivateKeys() {}

    static PrivateKey read(String pem) {
        String type = pem.contains("BEGIN " + PKCS1) ? PKCS1 : pem.contains("BEGIN " + PKCS8) ? PKCS8 : null;
        if (type == null) {
            throw new IllegalArgumentException("not a PEM RSA private key (PKCS#1 or unencrypted PKCS#8)");
        }
        byte[] der;
        try {
            String base64 = pem.substring(pem.indexOf("BEGIN " + type) + 6 + type.length() + 5, pem.indexOf("-----END"))
                    .replaceAll("\\s", "");
            der = Base64.getDecoder().decode(base64);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the PEM private key is malformed");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(type.equals(PKCS1) ? wrap(der) : der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM private key is not a valid RSA key");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING pkcs1 }. */
    static byte[] wrap(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(0x30);
        info.writeBytes(length(body.size()));
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    /** A DER length: short form below 128, else 0x8N followed by N big-endian bytes. */
    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            out[bytes - i] = (byte) (n >>> (8 * i));
        }
        return out;
    }
}
